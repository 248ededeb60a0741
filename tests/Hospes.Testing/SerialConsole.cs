using System.Diagnostics;
using System.Text;

namespace Hospes.Testing;

/// <summary>
/// A QEMU started with `-serial stdio`: its stdout is the guest's serial console. Keeps what the console printed,
/// waits for a text on it; dispose kills QEMU if it still runs.
/// </summary>
public sealed class SerialConsole : IAsyncDisposable
{
    private readonly Stopwatch _clock;
    private readonly StringBuilder _text = new();
    private readonly Lock _lock = new();
    private readonly Task _reader;
    private readonly Task<string> _stderr;
    private bool _closed;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SerialConsole(Process process, Stopwatch clock)
    {
        Process = process;
        _clock = clock;
        _reader = Task.Run(() => ReadAsync(process.StandardOutput.BaseStream));
        _stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>QEMU, for its stdin and its end.</summary>
    public Process Process { get; }

    /// <summary>Time since QEMU started.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    public string Text
    {
        get
        {
            lock (_lock)
            {
                return _text.ToString();
            }
        }
    }

    /// <summary>
    /// Waits until the console shows <paramref name="text"/> and returns the time on the clock then. Throws a
    /// <see cref="TimeoutException"/> after <paramref name="timeout"/>, an <see cref="InvalidOperationException"/> when QEMU
    /// ends first; both with the console.
    /// </summary>
    public async Task<TimeSpan> WaitForAsync(string text, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            bool closed;
            lock (_lock)
            {
                if (_text.ToString().Contains(text, StringComparison.Ordinal))
                {
                    return _clock.Elapsed;
                }

                closed = _closed;
                changed = _changed.Task;
            }

            if (closed)
            {
                throw new InvalidOperationException($"QEMU exited before '{text}' appeared: {await _stderr}\nConsole:\n{Text}");
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"'{text}' did not appear on the console within {timeout}. Console:\n{Text}");
            }
        }
    }

    /// <summary>Starts <paramref name="info"/> (QEMU with `-serial stdio`) with its stdout and stderr read from the start.</summary>
    public static SerialConsole Start(ProcessStartInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        var clock = Stopwatch.StartNew();
        return new SerialConsole(Process.Start(info) ?? throw new InvalidOperationException($"could not start {info.FileName}"), clock);
    }

    /// <summary>
    /// Waits until QEMU has ended and its console's last bytes are read: the process can end before this reader has
    /// taken what it wrote last (a guest's "Power down" line was seen missing that way).
    /// </summary>
    public async Task WaitForEndAsync(CancellationToken ct)
    {
        await Process.WaitForExitAsync(ct);
        await _reader.WaitAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
        }

        await Process.WaitForExitAsync();
        await _reader;
        await _stderr;
        Process.Dispose();
    }

    private async Task ReadAsync(Stream stdout)
    {
        byte[] buffer = new byte[4096];
        int read;
        while ((read = await stdout.ReadAsync(buffer)) > 0)
        {
            TaskCompletionSource changed;
            lock (_lock)
            {
                // Latin-1 maps every byte, so stray escape sequences cannot break decoding.
                _text.Append(Encoding.Latin1.GetString(buffer, 0, read));
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
