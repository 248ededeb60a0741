using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Hospes.Storage.Debian;
using Hospes.Testing;

namespace Hospes.Storage.Tests.Debian.Support;

/// <summary>
/// qemu-system-x86_64 (TCG, q35) booting a Debian image's kernel with its disk as a throwaway snapshot, a NoCloud seed
/// as a second disk, a user-mode NIC with ssh forwarded to a local port, and the serial console on stdio.
/// </summary>
internal sealed class DebianVm : IAsyncDisposable
{
    private readonly SerialConsole _qemu;

    private DebianVm(SerialConsole qemu, int sshPort)
    {
        _qemu = qemu;
        SshPort = sshPort;
    }

    public int SshPort { get; }

    public TimeSpan Uptime => _qemu.Elapsed;

    public string Console => _qemu.Text;

    public static DebianVm Start(DebianImageBuildResult image, string seed)
    {
        int port = FreePort();
        var info = new ProcessStartInfo("qemu-system-x86_64");
        string[] args =
        [
            "-accel", "tcg", "-machine", "q35", "-cpu", "max", "-m", "512",
            "-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio",
            "-kernel", image.KernelPath, "-initrd", image.InitrdPath, "-append", image.Manifest.DefaultCmdline,
            "-drive", $"file={image.DiskPath},if=virtio,format={image.Manifest.DiskFormat},snapshot=on",
            "-drive", $"file={seed},if=virtio,format=raw,readonly=on",
            "-netdev", $"user,id=n0,hostfwd=tcp:127.0.0.1:{port}-:22", "-device", "virtio-net-pci,netdev=n0",
            // The guest agent's port, as hospesd gives every VM: the image's qemu-guest-agent starts when it appears.
            "-device", "virtio-serial-pci",
            "-chardev", $"socket,id=qga,path={Path.Combine(Path.GetDirectoryName(seed)!, "qga.sock")},server=on,wait=off",
            "-device", "virtserialport,chardev=qga,name=org.qemu.guest_agent.0",
        ];
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return new DebianVm(SerialConsole.Start(info), port);
    }

    /// <summary>Waits until the console shows <paramref name="text"/>; returns the time since QEMU started.</summary>
    public Task<TimeSpan> WaitForAsync(string text, TimeSpan timeout) => _qemu.WaitForAsync(text, timeout);

    /// <summary>Runs a host tool (ssh) and returns how it ended, without failing the test.</summary>
    public static async Task<(int Exit, string Stdout, string Stderr)> RunHostToolAsync(string tool, IEnumerable<string> args)
    {
        CliResult r = await Run.ProcessAsync(tool, args, timeout: Timeout.InfiniteTimeSpan);
        return (r.ExitCode, r.Stdout, r.Stderr);
    }

    public ValueTask DisposeAsync() => _qemu.DisposeAsync();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
