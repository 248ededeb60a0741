namespace Hospes.Host.Memory;

/// <summary>Memory admitted for a VM that is starting; counted as committed until the start ends either way.</summary>
internal sealed class MemoryReservation(Action release) : IDisposable
{
    private Action? _release = release;

    public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
}
