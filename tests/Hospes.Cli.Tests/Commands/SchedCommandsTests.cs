using Hospes.Cli.Tests.Support;
using Hospes.Client.Tests.Support;
using Hospes.Contracts;

namespace Hospes.Cli.Tests.Commands;

/// <summary>xl sched-credit's scheduler-wide flags: -s refused with why, -p with the one pool there is.</summary>
public sealed class SchedCommandsTests : IDisposable
{
    private readonly StubHandler _stub = new();

    public void Dispose() => _stub.Dispose();

    [Theory]
    [InlineData("-s")]
    [InlineData("-s", "-t", "10")]
    [InlineData("-r", "1000")]
    [InlineData("-s", "-m", "0", "-p", "Pool-0")]
    public async Task SchedParam_IsRefused_NamingWhatHospesTunesInstead(params string[] flags)
    {
        string refused = (await CliRunner.RunAsync(_stub, ["sched-credit", .. flags])).Refused(_stub);
        Assert.Contains("-s (and -t, -r, -m) shows or sets Xen's credit scheduler itself", refused, StringComparison.Ordinal);
        Assert.Contains("give -d NAME with -w WEIGHT and/or -c CAP", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APoolOtherThanPool0_IsRefused_AndPool0IsEveryVm()
    {
        string refused = (await CliRunner.RunAsync(_stub, "sched-credit", "-p", "fast")).Refused(_stub);
        Assert.Contains("no CPU pool named 'fast': this host has one pool, Pool-0, holding every VM", refused, StringComparison.Ordinal);

        _stub.On("GET", "/v1/vms/web/sched-credit", CliRunner.Json(new SchedCreditInfo { Name = "web", Id = 3, Weight = 512, Cap = 0 }));
        CliRun shown = await CliRunner.RunAsync(_stub, "sched-credit", "-p", "Pool-0", "-d", "web");
        Assert.Equal(0, shown.Exit);
        Assert.Matches(@"web\s+3\s+512\s+0", shown.Stdout);
    }
}
