using System.Diagnostics;

namespace Hospes.Testing;

/// <summary>The one way tests and benchmarks run a program: argv, environment, stdin, a time limit.</summary>
public static class Run
{
    private static readonly TimeSpan DefaultLimit = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Runs <paramref name="file"/> to its end and returns how it ended, whatever its exit code. Past
    /// <paramref name="timeout"/> (3 minutes unless given; <see cref="Timeout.InfiniteTimeSpan"/> for none) it is killed
    /// with its children and a <see cref="TimeoutException"/> is thrown.
    /// </summary>
    public static async Task<CliResult> ProcessAsync(string file, IEnumerable<string> args, IDictionary<string, string>? env = null, string? stdin = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        string command = string.Join(' ', [Path.GetFileName(file), .. psi.ArgumentList]);
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await p.StandardInput.WriteAsync(stdin);
        }

        p.StandardInput.Close();
        TimeSpan limit = timeout ?? DefaultLimit;
        using var cts = new CancellationTokenSource(limit);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
            throw new TimeoutException($"{command} did not finish within {limit.TotalSeconds:0} s (killed); stderr so far: {await stderr}");
        }

        return new CliResult(p.ExitCode, await stdout, await stderr) { Command = command };
    }

    /// <summary>Runs a host tool and throws with its output unless it exits with 0.</summary>
    public static async Task<CliResult> ToolAsync(string tool, params string[] args) => (await ProcessAsync(tool, args)).Ok();
}
