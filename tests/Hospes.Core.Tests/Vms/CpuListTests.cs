using Hospes.Core.Vms;

namespace Hospes.Core.Tests.Vms;

public sealed class CpuListTests
{
    [Theory]
    [InlineData("0-2147483647")]
    [InlineData("4096")]
    [InlineData("99999999999999999999")]
    public void Parse_OfCpusBeyondTheBound_IsRefusedAtOnce(string text)
    {
        var cpus = new SortedSet<int>();

        Assert.Equal($"'{text}' names CPUs beyond 4095; Hospes pins to host CPUs 0 to 4095", CpuList.Parse(text, 4, cpus));
        Assert.Empty(cpus);
        Assert.Null(CpuList.ParsePlain(text));
    }

    [Theory]
    [InlineData("0-1,3", new[] { 0, 1, 3 })]
    [InlineData("3,0", new[] { 0, 3 })]
    [InlineData("4095", new[] { 4095 })]
    public void ParsePlain_ReadsNumbersAndRanges(string text, int[] expected) => Assert.Equal(expected, CpuList.ParsePlain(text));

    [Theory]
    [InlineData("")]
    [InlineData("all")]
    [InlineData("^1")]
    [InlineData("3-1")]
    [InlineData("1-2-3")]
    [InlineData("0,,1")]
    public void ParsePlain_RefusesWhatIsNotAPlainCpuList(string text) => Assert.Null(CpuList.ParsePlain(text));
}
