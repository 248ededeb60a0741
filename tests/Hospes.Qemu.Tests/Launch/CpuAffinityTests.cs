using Hospes.Core.Errors;
using Hospes.Qemu.Launch;

namespace Hospes.Qemu.Tests.Launch;

public class CpuAffinityTests
{
    [Theory]
    [InlineData("1", new[] { 1 })]
    [InlineData("0-2", new[] { 0, 1, 2 })]
    [InlineData("0,2-3", new[] { 0, 2, 3 })]
    public void Parse_ReadsCpuLists(string list, int[] expected) => Assert.Equal(expected, CpuAffinity.Parse(list).Value);

    [Theory]
    [InlineData("a")]
    [InlineData("3-1")]
    [InlineData("1-2-3")]
    public void Parse_RefusesWhatIsNotACpuList(string list)
    {
        var r = CpuAffinity.Parse(list);
        Assert.False(r.IsOk);
        Assert.Contains($"cpus '{list}'", r.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parse_OfARangeToIntMax_IsRefused_NotCountedForever()
    {
        Task<Result<IReadOnlyList<int>>> parsing = Task.Run(() => CpuAffinity.Parse("0-2147483647"));

        Result<IReadOnlyList<int>> parsed = await parsing.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("cpus '0-2147483647' is not a list of host CPUs 0 to 4095 such as 0-3,6", parsed.Error!.Message);
    }

    [Fact]
    public void Pin_AppliesToARealThread()
    {
        // The process id is also the main thread's id.
        var pinned = CpuAffinity.Pin(Environment.ProcessId, [0]);
        try
        {
            Assert.True(pinned.IsOk);
            string allowed = File.ReadAllLines($"/proc/{Environment.ProcessId}/status").Single(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal));
            Assert.EndsWith("\t0", allowed, StringComparison.Ordinal);
        }
        finally
        {
            CpuAffinity.Pin(Environment.ProcessId, [.. Enumerable.Range(0, Environment.ProcessorCount)]);
        }
    }
}
