using Hospes.Core.Errors;
using Hospes.Host.Access;

namespace Hospes.Host.Tests.Access;

public class QuotaTests
{
    private static readonly ProjectLimits Lab1 = new(Vms: 40, MemoryMiB: 64 * 1024, Vcpus: 80);

    [Fact]
    public void Cloning_PastTheVmLimit_ShowsTheArithmetic()
    {
        HospesError? error = Quota.Check("lab1", Lab1, new ProjectUsage(38, 0, 0), QuotaRequest.Clones(3, 512, 1, start: false));

        Assert.Equal(ErrorCode.Unavailable, error?.Code);
        Assert.Equal("project lab1: 38 of 40 VMs used, cloning 3 would make 41; raise the limit with hospes project set lab1 --limit vms=41 or delete a VM", error?.Message);
    }

    [Fact]
    public void Starting_PastTheMemoryLimit_ShowsTheArithmetic_InMiB()
    {
        HospesError? error = Quota.Check("lab1", Lab1, new ProjectUsage(10, 62 * 1024, 10), QuotaRequest.Start("web", 4096, 2));

        Assert.Equal("project lab1: 63488 MiB of 65536 MiB memory used, starting web would make 67584 MiB; raise the limit with hospes project set lab1 --limit memory=66G or stop a VM", error?.Message);
    }

    [Fact]
    public void Creating_PastTheVcpuLimit_ShowsTheArithmetic()
    {
        HospesError? error = Quota.Check("lab1", Lab1, new ProjectUsage(10, 0, 79), QuotaRequest.Create("web", 512, 2, start: true));

        Assert.Equal("project lab1: 79 of 80 vCPUs used, creating web would make 81; raise the limit with hospes project set lab1 --limit vcpus=81 or stop a VM", error?.Message);
    }

    [Fact]
    public void GrowingARunningVm_PastTheMemoryLimit_IsRefused_ShrinkingIsNot()
    {
        var usage = new ProjectUsage(1, 65000, 1);

        Assert.Equal(
            "project lab1: 65000 MiB of 65536 MiB memory used, growing web would make 66000 MiB; raise the limit with hospes project set lab1 --limit memory=66000M or stop a VM",
            Quota.Check("lab1", Lab1, usage, QuotaRequest.MemSet("web", 1000, 2000))?.Message);
        Assert.Null(Quota.Check("lab1", Lab1, usage, QuotaRequest.MemSet("web", 2000, 1000)));
    }

    [Fact]
    public void EveryLimitPassed_IsReported_AtOnce()
    {
        HospesError? error = Quota.Check("lab1", Lab1, new ProjectUsage(40, 64 * 1024, 80), QuotaRequest.Clones(2, 1024, 2, start: true));

        Assert.Equal(3, error?.Details.Count);
        Assert.StartsWith("project lab1: 40 of 40 VMs used, cloning 2 would make 42", error!.Details[0], StringComparison.Ordinal);
        Assert.Contains("--limit memory=66G", error.Details[1], StringComparison.Ordinal);
        Assert.Contains("--limit vcpus=84", error.Details[2], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(37, 3)]
    [InlineData(0, 40)]
    public void ReachingALimitExactly_IsAllowed(int used, int clones)
    {
        Assert.Null(Quota.Check("lab1", Lab1, new ProjectUsage(used, 0, 0), QuotaRequest.Clones(clones, 512, 1, start: false)));
    }

    [Fact]
    public void NoLimits_AllowAnything()
    {
        Assert.Null(Quota.Check("default", ProjectLimits.None, new ProjectUsage(1000, 1 << 30, 5000), QuotaRequest.Clones(100, 8192, 8, start: true)));
    }

    [Fact]
    public void ADefinedVm_ThatDoesNotStart_CountsNoMemoryOrVcpus()
    {
        Assert.Null(Quota.Check("lab1", Lab1, new ProjectUsage(1, 64 * 1024, 80), QuotaRequest.Create("web", 4096, 4, start: false)));
    }
}
