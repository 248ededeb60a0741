using Hospes.Host.Memory;

namespace Hospes.Host.Tests.Memory;

/// <summary>What forks cost the host: what each holds of its own (anonymous memory), and each fork point's RAM file once.</summary>
public sealed class ForkCostsTests
{
    private const long Mib = 1 << 20;
    private const string FileA = "/dev/shm/hospes/0123456789abcdef/fork-aaaa/ram";
    private const string FileB = "/dev/shm/hospes/0123456789abcdef/fork-bbbb/ram";

    [Fact]
    public void AForkNotYetMeasured_IsCountedAtTheFirstGuess_OrAtTheMedianOfMeasuredForksPlusAQuarter()
    {
        Assert.Equal(ForkCosts.FirstGuessBytes, ForkCosts.Estimate([], 256 * Mib));
        Assert.Equal(32 * Mib, ForkCosts.Estimate([], 32 * Mib)); // never more than its RAM

        Commitment[] running = [Fork(FileA, 256, 40), Fork(FileA, 256, 48), Fork(FileA, 256, 100), new(null, 1024 * Mib, 1000 * Mib)];
        Assert.Equal(60 * Mib, ForkCosts.Estimate(running, 256 * Mib)); // median of the forks (48) × 1.25; the booted VM does not count
    }

    [Fact]
    public void Committed_CountsForksAtTheirOwnMemory_EachForkFileOnce_AndOtherVmsAtTheirRam()
    {
        Commitment[] running =
        [
            Fork(FileA, 256, 40), Fork(FileA, 256, 50), Fork(FileA, 256, null), // not sampled yet: the median of 30, 40, 50, 900 (50) × 1.25
            Fork(FileB, 512, 30),
            Fork(FileB, 512, 900), // wrote more than its RAM's worth? counted at most at its RAM
            new(null, 1024 * Mib, 200 * Mib), // a booted guest: its RAM, whatever it holds now
            new("/dev/shm/hospes/0123456789abcdef/5d8f.ram", 512 * Mib, 20 * Mib), // a forkable VM's own shared file: its RAM
        ];

        long expected = (256 + 40 + 50) * Mib + (long)(50 * Mib * 1.25) + (512 + 30 + 512) * Mib + (1024 * Mib) + (512 * Mib);
        Assert.Equal(expected, ForkCosts.Committed(running));
    }

    [Fact]
    public void Adds_AForkItsEstimate_PlusItsFileWhenNoRunningVmMapsIt_AndAnyOtherVmItsRam()
    {
        Commitment[] running = [Fork(FileA, 256, 40)];

        Assert.Equal(50 * Mib, ForkCosts.Adds(running, Fork(FileA, 256, null)));
        Assert.Equal((50 + 256) * Mib, ForkCosts.Adds(running, Fork(FileB, 256, null)));
        Assert.Equal(256 * Mib, ForkCosts.Adds(running, new(null, 256 * Mib, null)));
    }

    private static Commitment Fork(string file, long bootedMib, long? privateMib) => new(file, bootedMib * Mib, privateMib * Mib);
}
