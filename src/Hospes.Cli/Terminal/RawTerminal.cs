using System.Diagnostics;

namespace Hospes.Cli.Terminal;

/// <summary>Puts the controlling terminal in raw mode for the console and restores it afterwards.</summary>
internal sealed class RawTerminal : IDisposable
{
    private readonly string? _saved;

    private RawTerminal(string? saved)
    {
        _saved = saved;
    }

    /// <summary>Raw mode when stdin is a terminal; a no-op otherwise (pipes, tests).</summary>
    public static RawTerminal Enter()
    {
        if (Console.IsInputRedirected)
        {
            return new RawTerminal(null);
        }

        string? saved = Stty("-g")?.Trim();
        Stty("raw", "-echo");
        return new RawTerminal(saved);
    }

    public void Dispose()
    {
        if (_saved is not null)
        {
            Stty(_saved);
        }
    }

    private static string? Stty(params string[] args)
    {
        var psi = new ProcessStartInfo("stty") { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-F");
        psi.ArgumentList.Add("/dev/tty");
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using Process? p = Process.Start(psi);
        if (p is null)
        {
            return null;
        }

        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 ? output : null;
    }
}
