namespace Hospes.Storage.Tests.Tiny.Support;

/// <summary>IProgress that reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool, so lines arrive late).</summary>
internal sealed class SynchronousProgress(Action<string> report) : IProgress<string>
{
    public void Report(string value) => report(value);
}
