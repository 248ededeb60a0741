using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Hospes.Storage.Debian;

namespace Hospes.Storage.Tests.Debian.Support;

/// <summary>
/// qemu-system-x86_64 (TCG, q35) booting a Debian image's kernel with its disk as a throwaway snapshot, a NoCloud seed
/// as a second disk, a user-mode NIC with ssh forwarded to a local port, and the serial console on stdio.
/// </summary>
internal sealed class DebianVm : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Stopwatch _clock;
    private readonly StringBuilder _console = new();
    private readonly Lock _lock = new();
    private readonly Task _reader;
    private readonly Task<string> _stderr;
    private bool _closed;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DebianVm(Process process, int sshPort, Stopwatch clock)
    {
        _process = process;
        SshPort = sshPort;
        _clock = clock;
        _reader = Task.Run(ReadConsoleAsync);
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public int SshPort { get; }

    public TimeSpan Uptime => _clock.Elapsed;

    public string Console
    {
        get
        {
            lock (_lock)
            {
                return _console.ToString();
            }
        }
    }

    public static DebianVm Start(DebianImageBuildResult image, string seed)
    {
        int port = FreePort();
        var info = new ProcessStartInfo("qemu-system-x86_64") { RedirectStandardOutput = true, RedirectStandardError = true };
        string[] args =
        [
            "-accel", "tcg", "-machine", "q35", "-cpu", "max", "-m", "512",
            "-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio",
            "-kernel", image.KernelPath, "-initrd", image.InitrdPath, "-append", image.Manifest.DefaultCmdline,
            "-drive", $"file={image.DiskPath},if=virtio,format={image.Manifest.DiskFormat},snapshot=on",
            "-drive", $"file={seed},if=virtio,format=raw,readonly=on",
            "-netdev", $"user,id=n0,hostfwd=tcp:127.0.0.1:{port}-:22", "-device", "virtio-net-pci,netdev=n0",
        ];
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var clock = Stopwatch.StartNew();
        return new DebianVm(Process.Start(info)!, port, clock);
    }

    /// <summary>Waits until the console shows <paramref name="text"/>; returns the time since QEMU started.</summary>
    public async Task<TimeSpan> WaitForAsync(string text, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_console.ToString().Contains(text, StringComparison.Ordinal))
                {
                    return _clock.Elapsed;
                }

                if (_closed)
                {
                    throw new InvalidOperationException($"QEMU exited before '{text}' appeared: {_stderr.Result}\nConsole:\n{_console}");
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"'{text}' did not appear on the console within {timeout}. Console:\n{Console}");
            }
        }
    }

    /// <summary>Runs a host tool (ssh) and returns how it ended, without failing the test.</summary>
    public static async Task<(int Exit, string Stdout, string Stderr)> RunHostToolAsync(string tool, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(info)!;
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        await _reader;
        await _stderr;
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task ReadConsoleAsync()
    {
        Stream stdout = _process.StandardOutput.BaseStream;
        byte[] buffer = new byte[4096];
        int read;
        while ((read = await stdout.ReadAsync(buffer)) > 0)
        {
            TaskCompletionSource changed;
            lock (_lock)
            {
                _console.Append(Encoding.Latin1.GetString(buffer, 0, read));
                changed = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed.SetResult();
        }

        lock (_lock)
        {
            _closed = true;
            _changed.TrySetResult();
        }
    }
}
