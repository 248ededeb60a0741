using System.Diagnostics;
using System.Text;

namespace Hospes.Testing;

/// <summary>
/// The serial console of a QEMU started with `-serial stdio` (its stdout): what it printed so far, and a wait for a
/// text. It reads stdout and stderr from the start; the caller owns and ends the process.
/// </summary>
public sealed class SerialConsole
{
    private readonly Stopwatch _clock;
    private readonly StringBuilder _text = new();
    private readonly Lock _lock = new();
    private readonly Task _reader;
    private readonly Task<string> _stderr;
    private bool _closed;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="process">Started with stdout and stderr redirected.</param>
    /// <param name="clock">Started when the process was: <see cref="WaitForAsync"/> says when a text appeared on it.</param>
    public SerialConsole(Process process, Stopwatch clock)
    {
        ArgumentNullException.ThrowIfNull(process);
        _clock = clock;
        _reader = Task.Run(() => ReadAsync(process.StandardOutput.BaseStream));
        _stderr = process.StandardError.ReadToEndAsync();
    }

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

    /// <summary>Waits until both of QEMU's outputs are closed (after it ended).</summary>
    public async Task WhenClosedAsync()
    {
        await _reader;
        await _stderr;
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
