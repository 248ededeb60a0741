using System.Diagnostics;
using System.Text.RegularExpressions;
using Hospes.Testing;

namespace Hospes.Bench.Fork;

/// <summary>
/// What the forks' idle window waits for once every fork answered: the clock steps hospesd runs after the fork command
/// (each starts a process in its fork), so the idle CPU and memory measured are those of forks left alone.
/// </summary>
internal static partial class ForkSettle
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(15);

    /// <summary>
    /// What Hospes forks' idle window waits for once all answered (--settle SECONDS): null (the default, -1) until hospesd
    /// logged every fork's clock step (781 set, 782 failed), which runs after the fork command and costs each fork a
    /// process; else that long (0: measured at once, as before session 11).
    /// </summary>
    public static TimeSpan? Settle { get; set; }

    [GeneratedRegex(@"\[(781|782)\] ([^:\s]+):")]
    private static partial Regex ClockStep();

    /// <summary>Waits as <see cref="Settle"/> says before the forks' idle window; says when their clock steps ended.</summary>
    public static async Task SettleAsync(Daemon daemon, IReadOnlyCollection<string> forks, Stopwatch sinceFork)
    {
        if (Settle is { } fixedWait)
        {
            await Task.Delay(fixedWait);
            return;
        }

        while (true)
        {
            var done = new HashSet<string>(StringComparer.Ordinal);
            int failed = 0;
            foreach (Match m in ClockStep().Matches(File.ReadAllText(daemon.LogPath)))
            {
                if (forks.Contains(m.Groups[2].Value) && done.Add(m.Groups[2].Value) && m.Groups[1].Value == "782")
                {
                    failed++;
                }
            }

            if (done.Count == forks.Count)
            {
                Console.Error.WriteLine($"clock steps of all {forks.Count} forks logged {sinceFork.Elapsed.TotalSeconds:0.0} s after the fork command started ({failed} failed, 782)");
                return;
            }

            if (sinceFork.Elapsed > Limit)
            {
                throw new TimeoutException($"hospesd logged the clock step (781/782) of {done.Count} of {forks.Count} forks in {Limit.TotalMinutes:0} min");
            }

            await Task.Delay(500);
        }
    }
}
