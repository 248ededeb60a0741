using System.Diagnostics;
using System.Globalization;

namespace Hospes.Bench.Boot;

internal static class Args
{
    public static int Int(string[] args, string name, int fallback) =>
        Str(args, name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public static string? Str(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}

internal static class Stats
{
    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

internal static class Machine
{
    public static string Cpu() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";

    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}

internal static class Paths
{
    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(Environment.CurrentDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Hospes.slnx")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException("run from inside the Hospes checkout");
    }
}

/// <summary>Replaces the text between &lt;!-- NAME:begin --&gt; and &lt;!-- NAME:end --&gt; in a markdown file.</summary>
internal static class Docs
{
    public static void ReplaceSection(string path, string name, string body)
    {
        string begin = $"<!-- {name}:begin -->", end = $"<!-- {name}:end -->";
        string text = File.ReadAllText(path);
        int b = text.IndexOf(begin, StringComparison.Ordinal), e = text.IndexOf(end, StringComparison.Ordinal);
        if (b < 0 || e < b)
        {
            throw new InvalidOperationException($"{path} has no {begin} ... {end} section");
        }

        File.WriteAllText(path, text[..(b + begin.Length)] + "\n" + body.TrimEnd() + "\n" + text[e..]);
    }
}

internal static class Proc
{
    /// <summary>Runs a program to its end (killed after <paramref name="limit"/>); <paramref name="socket"/> goes in HOSPES_SOCKET.</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string file, TimeSpan limit, string? socket, string? stdin, params string[] args)
    {
        var psi = new ProcessStartInfo(file, args) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        if (socket is not null)
        {
            psi.Environment["HOSPES_SOCKET"] = socket;
        }

        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await p.StandardInput.WriteAsync(stdin);
        }

        p.StandardInput.Close();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
            return (-1, await stdout, $"{file} {string.Join(' ', args)}: killed after {limit.TotalSeconds:0} s\n" + await stderr);
        }

        return (p.ExitCode, await stdout, await stderr);
    }
}
