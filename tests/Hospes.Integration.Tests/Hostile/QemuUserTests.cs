using Hospes.Contracts;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Hostile;

/// <summary>
/// Issue 13, #3: each VM's QEMU runs as a uid of its own (from qemu.uids), with no capability, inside its syscall
/// filter, and can open no file of the host by itself: it reads and writes its disks through what it opened before it
/// dropped root, and a save file or a restore stream only through the descriptor hospesd hands it.
/// </summary>
public sealed class QemuUserTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    // A range of this test's own: the default one is shared by every test daemon running beside it, so a QEMU of
    // another test could take a's uid while a is saved (a full run saw a restored with another uid).
    private const int First = 2_100_000_000, Last = 2_100_000_099;
    private readonly string _settings = Path.Combine(Path.GetTempPath(), $"hospes-qemu-uids-{Guid.NewGuid():N}.conf");
    private Daemon _d = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_settings, FormattableString.Invariant($"qemu.uids = {First}-{Last}\n"));
        _d = await Daemon.StartAsync(new DaemonOptions { Image = image, Args = ["--config", _settings] });
    }

    public async Task DisposeAsync()
    {
        await _d.DisposeAsync();
        File.Delete(_settings);
    }

    [Fact]
    public async Task EachQemu_RunsAsAUidOfItsOwn_WithoutCapabilities_AndOpensNothingButWhatHospesdGaveIt()
    {
        VolumeInfo diskA = await _d.JsonAsync<VolumeInfo>("disk", "create", "data-a", "--size", "16M");
        VolumeInfo diskB = await _d.JsonAsync<VolumeInfo>("disk", "create", "data-b", "--size", "16M");
        await Guest.CreateAsync(_d, "a", "disk = [ 'image:data-a,qcow2,xvda,w' ]");
        await Guest.CreateAsync(_d, "b", "disk = [ 'image:data-b,qcow2,xvda,w' ]");

        Qemu a = await QemuOfAsync("a"), b = await QemuOfAsync("b");
        foreach (Qemu q in new[] { a, b })
        {
            Assert.InRange(q.Uid, First, Last);
            Assert.Equal($"{q.Uid}\t{q.Uid}\t{q.Uid}\t{q.Uid}", q.Status["Uid"]);
            Assert.Equal($"{q.Uid}\t{q.Uid}\t{q.Uid}\t{q.Uid}", q.Status["Gid"]);
            Assert.Equal(q.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture), q.Status["Groups"]);
            Assert.Equal("0000000000000000", q.Status["CapEff"]);
            Assert.Equal("0000000000000000", q.Status["CapPrm"]);
            Assert.Equal("2", q.Status["Seccomp"]);
        }

        Assert.NotEqual(a.Uid, b.Uid);

        // As a's QEMU: not the other VM's disk, not its own (it holds what it opened as root), not the state DB.
        foreach (string file in new[] { diskB.Path, diskA.Path, Path.Combine(_d.StateDir, "hospes.db") })
        {
            CliResult read = await AsUidAsync(a.Uid, "cat", file);
            Assert.True(read.ExitCode != 0, $"QEMU's uid {a.Uid} read {file}");
            Assert.Contains("Permission denied", read.Stderr, StringComparison.Ordinal);
        }

        // The guest writes its disk through what its QEMU holds.
        Assert.Equal("ok", await GuestShell.RunAsync(_d, "a", "echo hospes-was-here > /dev/vda && sync && echo ok"));

        // A save file in a folder QEMU's uid cannot even pass through: hospesd opens it and hands it over, both ways.
        string saves = Path.Combine(_d.Dir, "saves");
        Directory.CreateDirectory(saves, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string save = Path.Combine(saves, "a.save");
        (await _d.CliAsync("save", "a", save)).Ok();
        (await _d.CliAsync("restore", save)).Ok();
        Qemu restored = await QemuOfAsync("a");
        Assert.Equal(a.Uid, restored.Uid);
        Assert.Equal("hospes-was-here", await GuestShell.RunAsync(_d, "a", "head -c 15 /dev/vda; echo"));
    }

    private async Task<Qemu> QemuOfAsync(string vm)
    {
        int pid = (await _d.InfoAsync(vm)).Pid ?? throw new InvalidOperationException($"{vm} has no QEMU");
        var status = File.ReadLines($"/proc/{pid}/status")
            .Select(l => l.Split(':', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1].Trim(), StringComparer.Ordinal);
        return new Qemu(int.Parse(status["Uid"].Split('\t')[0], System.Globalization.CultureInfo.InvariantCulture), status);
    }

    private static Task<CliResult> AsUidAsync(int uid, params string[] command) =>
        Run.ProcessAsync("setpriv", [$"--reuid={uid}", $"--regid={uid}", "--clear-groups", .. command]);

    private sealed record Qemu(int Uid, IReadOnlyDictionary<string, string> Status);
}
