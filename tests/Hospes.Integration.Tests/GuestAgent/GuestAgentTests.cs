using System.Diagnostics;
using Hospes.Contracts;
using Hospes.Testing;

namespace Hospes.Integration.Tests.GuestAgent;

/// <summary>
/// `hospes guest` against the tiny guest's real qemu-ga over the VM's virtio-serial channel: ping, info, exec,
/// set-time, hospes-postfork (what a fork runs to take its identity), and an agent that does not answer.
/// One booted guest (on a Hospes network with DHCP, in a network namespace) carries every check.
/// </summary>
public sealed class GuestAgentTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private NetNs _ns = null!;
    private Daemon _d = null!;

    public async Task InitializeAsync()
    {
        _ns = await NetNs.CreateAsync();
        _d = await Daemon.StartAsync(image, _ns);
    }

    public async Task DisposeAsync()
    {
        await _d.DisposeAsync();
        await _ns.DisposeAsync();
    }

    [Fact]
    public async Task TheTinyGuestsAgent_Answers_RunsCommands_TakesANewName_AndItsSilenceIsAClearError()
    {
        await Guest.CreateAsync(_d, "web", "vif = [ '' ]");
        string ip = Assert.Single(await _d.JsonAsync<List<VifInfo>>("vif-list", "web")).Ip!;

        // The agent starts beside the console shell, so it may come a moment after the ready marker.
        try
        {
            await EventuallyAsync(async () => (await _d.CliAsync("guest", "web", "ping")).ExitCode == 0, TimeSpan.FromSeconds(30), "guest web ping");
        }
        catch (TimeoutException e)
        {
            // What the guest says about its agent's port and process, for the failure's reader.
            string guest = await GuestShell.RunAsync(_d, "web", "ls -l /dev/virtio-ports; tail -n 20 /var/log/qemu-ga.log; ps | grep -e qemu-ga -e hospes-agent");
            throw new TimeoutException($"{e.Message}; last answer: {(await _d.CliAsync("guest", "web", "ping")).Stderr}in the guest:\n{guest}", e);
        }

        Assert.Contains("the guest agent of web answered", (await _d.CliAsync("guest", "web", "ping")).Ok().Stdout, StringComparison.Ordinal);

        // info: the host name and eth0's DHCP address (the lease may land after the agent starts).
        GuestInfo info = null!;
        await EventuallyAsync(async () =>
        {
            info = await _d.JsonAsync<GuestInfo>("guest", "web", "info");
            return info.Interfaces.Any(i => i.Name == "eth0" && i.Addresses.Any(a => a.StartsWith($"{ip}/", StringComparison.Ordinal)));
        }, TimeSpan.FromSeconds(30), $"eth0 with {ip} in guest web info");
        Assert.Equal("web", info.HostName);
        Assert.Equal("Hospes tiny guest", info.Os);
        Assert.Contains("guest-exec", info.Commands);
        string table = (await _d.CliAsync("guest", "web", "info")).Ok().Stdout;
        Assert.Matches($@"eth0\s+\S+\s+.*{System.Text.RegularExpressions.Regex.Escape(ip)}/\d+", table);

        // exec: the kernel's version as the console says it, the guest command's exit code, stderr apart.
        string kernel = await GuestShell.RunAsync(_d, "web", "uname -r");
        Assert.Equal(kernel + "\n", (await _d.CliAsync("guest", "web", "exec", "--", "uname", "-r")).Ok().Stdout);
        CliResult three = await _d.CliAsync("guest", "web", "exec", "--", "sh", "-c", "echo out; echo err >&2; exit 3");
        Assert.Equal((3, "out\n", "err\n"), (three.ExitCode, three.Stdout, three.Stderr));
        CliResult late = await _d.CliAsync("guest", "web", "exec", "--timeout", "1", "--", "sleep", "30");
        Assert.Matches(@"^hospes: sleep did not end within 1 s in VM web; it still runs in the guest as pid \d+", late.Fails());

        (await _d.CliAsync("guest", "web", "set-time")).Ok();

        // hospes-postfork: a new host name (the agent, the console and its prompt say so) and a new lease.
        (await _d.CliAsync("guest", "web", "exec", "--", "/usr/sbin/hospes-postfork", "newname")).Ok();
        Assert.Equal("newname\n", (await _d.CliAsync("guest", "web", "exec", "--", "hostname")).Ok().Stdout);
        Assert.Equal("newname", (await _d.JsonAsync<GuestInfo>("guest", "web", "info")).HostName);
        await using (GuestConsole console = await _d.OpenConsoleAsync("web"))
        {
            await console.SendLineAsync("hostname");
            await console.WaitForAsync(@"\nnewname\r?\nnewname:/# ", TimeSpan.FromSeconds(30));
        }

        Assert.Contains((await _d.JsonAsync<GuestInfo>("guest", "web", "info")).Interfaces.Single(i => i.Name == "eth0").Addresses, a => a.StartsWith($"{ip}/", StringComparison.Ordinal));
        CliResult bad = await _d.CliAsync("guest", "web", "exec", "--", "/usr/sbin/hospes-postfork", "bad name");
        Assert.Equal(2, bad.ExitCode);
        Assert.StartsWith("usage: hospes-postfork HOSTNAME", bad.Stderr, StringComparison.Ordinal);

        // An agent that stopped answering: a clear error within its 5 s, and the next request after it wakes is answered.
        await GuestShell.RunAsync(_d, "web", "kill -STOP $(pidof qemu-ga)");
        var clock = Stopwatch.StartNew();
        string silent = (await _d.CliAsync("guest", "web", "ping")).Fails();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"ping of a silent agent took {clock.Elapsed}");
        Assert.Equal("hospes: the guest agent of VM web did not answer within 5 s: is qemu-guest-agent running in the guest?", silent);
        await GuestShell.RunAsync(_d, "web", "kill -CONT $(pidof qemu-ga)");
        (await _d.CliAsync("guest", "web", "ping")).Ok();

        // A VM that does not run has no agent to ask.
        (await _d.CliAsync("destroy", "web")).Ok();
        clock.Restart();
        string stopped = (await _d.CliAsync("guest", "web", "ping")).Fails();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"ping of a stopped VM took {clock.Elapsed}");
        Assert.Contains("web", stopped, StringComparison.Ordinal);
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan limit, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"{what}: not so after {limit.TotalSeconds} s");
            }

            await Task.Delay(500);
        }
    }
}
