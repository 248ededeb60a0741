using System.Globalization;
using Hospes.Contracts;

namespace Hospes.Cli.Output;

/// <summary>
/// A progress bar on one terminal line, redrawn in place; when stderr is not a terminal, one line per
/// failure only (logs stay readable).
/// </summary>
internal sealed class ProgressLine(TextWriter writer, bool withReady)
{
    private const int Width = 30;
    private readonly bool _tty = !Console.IsErrorRedirected;
    private bool _drawn;

    public void Show(CloneEvent e)
    {
        if (e.Event == "failed")
        {
            Clear();
            writer.WriteLine($"failed: {e.Name}: {e.Message}");
        }

        if (e.Event == "warning")
        {
            Clear();
            writer.WriteLine($"warning: {e.Message}");
            return;
        }

        if (!_tty)
        {
            return;
        }

        int done = withReady ? e.Ready + e.Failed : e.Created + e.Failed;
        int filled = e.Total == 0 ? Width : Math.Min(Width, done * Width / e.Total);
        string ready = withReady ? $" {e.Ready} ready" : "";
        writer.Write(string.Create(CultureInfo.InvariantCulture, $"\r[{new string('#', filled)}{new string('.', Width - filled)}] {e.Created}/{e.Total} created{ready} {e.Failed} failed {e.ElapsedS:0.0}s "));
        _drawn = true;
    }

    public void End() => Clear();

    private void Clear()
    {
        if (_drawn)
        {
            writer.Write("\r" + new string(' ', Width + 60) + "\r");
            _drawn = false;
        }
    }
}
