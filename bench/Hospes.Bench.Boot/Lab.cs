using System.Diagnostics;
using Hospes.Contracts;
using Hospes.Testing;
using Hospes.Testing.Bench;

namespace Hospes.Bench.Boot;

/// <summary>A private hospesd with the tiny image, and the means to time guests to their ready marker.</summary>
internal sealed class Lab : IAsyncDisposable
{
    private const int GuestMib = 192;

    /// <summary>Polled this often, the console shows the marker within 5 ms of the guest printing it.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan ReadyLimit = TimeSpan.FromSeconds(90);
    private readonly Daemon _daemon;
    private PlainQemu? _plain;

    private Lab(Daemon daemon)
    {
        _daemon = daemon;
    }

    public string QemuVersion { get; private set; } = "";

    public string Accel { get; private set; } = "";

    public string RawCommandShown { get; private set; } = "";

    private PlainQemu Plain => _plain ?? throw new InvalidOperationException("the plain command line is learned in StartAsync");

    public static async Task<Lab> StartAsync()
    {
        var lab = new Lab(await Daemon.StartAsync(new DaemonOptions { TempPrefix = "hbench-", CliTimeout = Timeout.InfiniteTimeSpan }));
        try
        {
            (await lab._daemon.CliAsync("image", "build", "tiny")).Ok();
            HostInfo host = await lab._daemon.HostInfoAsync();
            lab.QemuVersion = "QEMU " + host.QemuVersion;
            lab.Accel = host.Accelerator ?? "";
            await lab.LearnCommandLineAsync();
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }

        return lab;
    }

    /// <summary>Seconds from `hospes create` to the marker on the console, as a user would measure it.</summary>
    public async Task<double> HospesCreateAsync(int run)
    {
        string name = $"bench-{run}";
        string cfg = _daemon.WriteConfig(name + ".cfg", Guest.Config(name));
        var clock = Stopwatch.StartNew();
        (await _daemon.CliAsync("create", cfg)).Ok();
        string log = (await _daemon.InfoAsync(name)).ConsoleLog ?? throw new InvalidOperationException($"{name} has no console log");
        await ConsoleFile.WaitForAsync(log, Guest.Ready, ReadyLimit, Poll);
        double seconds = clock.Elapsed.TotalSeconds;
        (await _daemon.CliAsync("delete", name, "--force")).Ok();
        return seconds;
    }

    /// <summary>Seconds from starting a plain qemu-system-x86_64 to the marker on its serial console.</summary>
    public async Task<double> RawQemuBootAsync(int run)
    {
        string serial = Path.Combine(_daemon.Dir, $"raw-{run}.log");
        var clock = Stopwatch.StartNew();
        using Process qemu = Process.Start(new ProcessStartInfo("qemu-system-x86_64", Plain.Args(Accel, GuestMib, serial)) { UseShellExecute = false, RedirectStandardInput = true })!;
        try
        {
            await ConsoleFile.WaitForAsync(serial, Guest.Ready, ReadyLimit, Poll);
            return clock.Elapsed.TotalSeconds;
        }
        finally
        {
            qemu.Kill();
            await qemu.WaitForExitAsync();
        }
    }

    public ValueTask DisposeAsync() => _daemon.DisposeAsync();

    /// <summary>One throwaway guest tells us the kernel, initrd and command line Hospes uses; the plain run gets the same.</summary>
    private async Task LearnCommandLineAsync()
    {
        (await _daemon.CliAsync("create", _daemon.WriteConfig("probe.cfg", Guest.Config("probe")))).Ok();
        _plain = await PlainQemu.LearnAsync(_daemon, "probe");
        (await _daemon.CliAsync("delete", "probe", "--force")).Ok();
        RawCommandShown = Plain.Shown(Plain.Args(Accel, GuestMib, "SERIAL.log"));
    }
}
