using System.Diagnostics;
using System.Net.Sockets;
using Hospes.Qemu.CommandLine;
using Hospes.Qemu.Host;
using Hospes.Storage.Tiny;
using Hospes.Testing;

namespace Hospes.Storage.Tests.Tiny.Support;

/// <summary>
/// A real qemu-system-x86_64 (TCG) running the tiny image, with its serial console on stdio and a QMP socket.
/// Disposing kills it if it is still running.
/// </summary>
internal sealed class QemuGuest : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly SerialConsole _qemu;
    private readonly string _qmpSocket;
    private int _commands;

    private QemuGuest(SerialConsole qemu, string qmpSocket)
    {
        _qemu = qemu;
        _qmpSocket = qmpSocket;
    }

    public string Console => _qemu.Text;

    public bool HasExited => _qemu.Process.HasExited;

    /// <param name="nic">
    /// Adds a NIC on QEMU's user-mode network (DHCP server at 10.0.2.2): virtio unless <paramref name="nicDevice"/> names
    /// another QEMU device, e.g. e1000.
    /// </param>
    /// <param name="sshHostPort">Forwards 127.0.0.1:PORT on the host to the guest's SSH port (needs <paramref name="nic"/>).</param>
    public static QemuGuest Start(
        TinyImageBuildResult image,
        TinyMachine machine,
        string workDir,
        string? disk = null,
        string cmdline = "",
        bool nic = false,
        int? sshHostPort = null,
        string? nicDevice = null)
    {
        string qmp = Path.Combine(workDir, $"qmp-{Guid.NewGuid():N}.sock");
        var info = new ProcessStartInfo("qemu-system-x86_64") { RedirectStandardInput = true };
        string[] machineArgs = machine == TinyMachine.Microvm ? ["-machine", "microvm,acpi=on"] : ["-machine", "q35"];
        string tsc = machine == TinyMachine.Microvm && HostTsc.Khz is { } khz ? $"{QemuCommandLineBuilder.TscParameter}={khz}" : "";
        string append = string.Join(' ', new[] { $"console={TinyGuest.ConsoleDevice}", image.Manifest.DefaultCmdline, tsc, cmdline }.Where(p => p.Length > 0));
        List<string> args =
        [
            "-accel", "tcg", .. machineArgs, "-cpu", "max", "-m", "256",
            "-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio",
            "-kernel", image.KernelPath, "-initrd", image.InitrdPath, "-append", append,
            "-qmp", $"unix:{qmp},server=on,wait=off",
        ];
        if (disk is not null)
        {
            string device = machine == TinyMachine.Microvm ? "virtio-blk-device" : "virtio-blk-pci";
            args.AddRange(["-drive", $"if=none,id=d0,file={disk},format=qcow2", "-device", $"{device},drive=d0"]);
        }

        if (nic)
        {
            string device = nicDevice ?? (machine == TinyMachine.Microvm ? "virtio-net-device" : "virtio-net-pci");
            // Loopback only: nothing outside this host may reach the guest.
            string forward = sshHostPort is { } port ? $",hostfwd=tcp:127.0.0.1:{port}-:{TinyGuest.SshPort}" : "";
            args.AddRange(["-netdev", $"user,id=n0{forward}", "-device", $"{device},netdev=n0"]);
        }
        else if (sshHostPort is not null || nicDevice is not null)
        {
            throw new ArgumentException("an SSH port forward or NIC model needs nic: true", nameof(nic));
        }

        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return new QemuGuest(SerialConsole.Start(info), qmp);
    }

    /// <summary>Waits until the console shows <paramref name="text"/>; returns the time since QEMU started.</summary>
    public Task<TimeSpan> WaitForAsync(string text, TimeSpan? timeout = null) => _qemu.WaitForAsync(text, timeout ?? DefaultTimeout);

    /// <summary>Types a command into the console shell and returns what it printed.</summary>
    public async Task<string> RunAsync(string command, TimeSpan? timeout = null)
    {
        int n = Interlocked.Increment(ref _commands);
        // The quotes keep the shell's echo of the typed line from matching the markers.
        string begin = $"<<{n}>>";
        string end = $"<<{n}//";
        await _qemu.Process.StandardInput.WriteAsync($"echo '<<'{n}'>>'; {command}; echo '<<'{n}'//'\n");
        await _qemu.Process.StandardInput.FlushAsync();
        await WaitForAsync(end, timeout);
        string console = Console;
        int from = console.IndexOf(begin, StringComparison.Ordinal) + begin.Length;
        int to = console.IndexOf(end, from, StringComparison.Ordinal);
        return console[from..to].Replace("\r", "", StringComparison.Ordinal).Trim();
    }

    /// <summary>Presses the ACPI power button through QMP (system_powerdown).</summary>
    public async Task PowerdownAsync()
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(_qmpSocket));
        using var stream = new NetworkStream(socket);
        using var reader = new StreamReader(stream);
        using var writer = new StreamWriter(stream) { AutoFlush = true };
        await reader.ReadLineAsync(); // greeting
        await ExecuteAsync(reader, writer, "qmp_capabilities");
        await ExecuteAsync(reader, writer, "system_powerdown");
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _qemu.WaitForEndAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _qemu.DisposeAsync();
        File.Delete(_qmpSocket);
    }

    private static async Task ExecuteAsync(StreamReader reader, StreamWriter writer, string command)
    {
        await writer.WriteLineAsync($$"""{"execute":"{{command}}"}""");
        while (await reader.ReadLineAsync() is { } line)
        {
            // Events may arrive first; the reply is the line with "return" or "error".
            if (line.Contains("\"return\"", StringComparison.Ordinal))
            {
                return;
            }

            Assert.DoesNotContain("\"error\"", line, StringComparison.Ordinal);
        }
    }
}
