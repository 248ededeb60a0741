namespace Hospes.Storage.Tests.Tiny.Support;

/// <summary>A measurement, not a check: runs only with HOSPES_TINY_BENCH=1 (it boots QEMU many times).</summary>
public sealed class BenchFactAttribute : FactAttribute
{
    public BenchFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("HOSPES_TINY_BENCH") != "1")
        {
            Skip = "set HOSPES_TINY_BENCH=1 to measure boot times";
        }
    }
}
