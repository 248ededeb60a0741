using System.Diagnostics;
using System.Globalization;
using Hospes.Bench.Memory;
using Hospes.Contracts;
using Hospes.Testing;
using Hospes.Testing.Bench;

namespace Hospes.Bench.Fork;

/// <summary>What the density round found (issue 16: forks of a `memory = 512` guest that an 8 GiB cgroup holds).</summary>
/// <param name="Held">Forks running, then paused, in the cgroup at the end (all of them alive, no OOM kill).</param>
/// <param name="PerForkMib">What each fork added to the cgroup's charge, paused: (charge with them − charge with the booted parent alone) ÷ Held.</param>
/// <param name="PerForkPssMib">Mean PSS of the paused forks' QEMUs.</param>
/// <param name="BaseMib">The cgroup's charge with hospesd and the booted parent only.</param>
/// <param name="MemoryBound">How many forks the cgroup holds: Held, plus what its limit leaves ÷ PerForkMib (extrapolated when Held is below it).</param>
/// <param name="IdleCpuPercent">Idle CPU per running fork of the first batch, % of one core.</param>
/// <param name="CpuBound">At how many idle running forks the host's cores are used up (cores × 100 ÷ IdleCpuPercent).</param>
internal sealed record DensityResult(int Held, double PerForkMib, double PerForkPssMib, double BaseMib, double UsageMib, long LimitMib, int MemoryBound,
    double IdleCpuPercent, int CpuBound, string Stopped, double ForkSeconds, string Cgroup);

/// <summary>
/// Density: a private hospesd started inside a memory cgroup (its QEMUs, its children, stay there; cgroup v1 here: on v2
/// hospesd moves each QEMU into its CPU cgroup, out of this one), a booted `memory = 512` guest forked in batches, each
/// batch paused once it answered (so idle CPU does not slow the next), until the target count, a failed fork, an OOM
/// kill, or a limit that would not hold the next batch. The first batch is `fork --freeze` (dp becomes a template of its
/// running state), the others `clone dp --instant`: one RAM file of the parent for all of them.
/// </summary>
internal static class ForkDensity
{
    public const int GuestMib = 512;

    public static async Task<DensityResult> RunAsync(int target, int batch, long limitMib, TimeSpan idle)
    {
        Cgroup cg = Cgroup.Create(limitMib);
        Daemon? d = null;
        try
        {
            d = await Daemon.StartAsync(new DaemonOptions { TempPrefix = "hfork-d-", CliTimeout = Timeout.InfiniteTimeSpan, CgroupProcs = cg.ProcsFile });
            (await d.CliAsync("image", "build", "tiny")).Ok();
            string cfg = $"name = \"dp\"\nkernel = \"image:tiny\"\nmemory = {GuestMib}\nvcpus = 1\nforkable = 1\n";
            (await d.CliAsync("create", d.WriteConfig("dp.cfg", cfg))).Ok();
            await d.WaitForConsoleAsync("dp", Guest.Ready, limit: TimeSpan.FromMinutes(5));
            await Task.Delay(TimeSpan.FromSeconds(3));
            double baseMib = cg.UsageMib;
            var forks = new List<(string Name, int Pid)>();
            double idleCpu = double.NaN;
            double forkSeconds = 0;
            string stopped = $"the target ({target}) was reached";
            for (int k = 1; forks.Count < target; k++)
            {
                int n = Math.Min(batch, target - forks.Count);
                double perFork = forks.Count == 0 ? 0 : (cg.UsageMib - baseMib) / forks.Count;
                if (forks.Count > 0 && cg.UsageMib + (n * perFork * 1.1) > limitMib)
                {
                    // A smaller last batch, of what the limit holds with 10 % to spare, so the count is measured, not
                    // extrapolated, as far as it goes.
                    int fits = (int)Math.Floor((limitMib - cg.UsageMib) / (perFork * 1.1));
                    if (fits < 1)
                    {
                        stopped = $"the limit would not hold one more at {perFork:0.0} MiB";
                        break;
                    }

                    n = fits;
                }

                var clock = Stopwatch.StartNew();
                ForkResult forked;
                try
                {
                    // The first batch freezes dp as a template of its running state; later batches are its instant
                    // clones. (Forking the running dp again would first save it to memory of its own: a new RAM file
                    // of the parent for every batch, which the cgroup would count against the forks.)
                    string[] command = k == 1
                        ? ["fork", "dp", $"d{k}-{{i}}", "--count", n.ToString(CultureInfo.InvariantCulture), "--freeze"]
                        : ["clone", "dp", $"d{k}-{{i}}", "--count", n.ToString(CultureInfo.InvariantCulture), "--instant"];
                    forked = await d.JsonAsync<ForkResult>(command);
                }
                catch (InvalidOperationException e)
                {
                    stopped = $"fork batch {k} failed: {e.Message.Trim()}";
                    break;
                }
                finally
                {
                    forkSeconds += clock.Elapsed.TotalSeconds;
                }

                var mine = new List<(string, int)>();
                foreach (ForkedVmInfo f in forked.Forks)
                {
                    mine.Add((f.Name, (await d.InfoAsync(f.Name)).Pid ?? 0));
                }

                if (double.IsNaN(idleCpu))
                {
                    await ForkSettle.SettleAsync(d, [.. mine.Select(m => m.Item1)], clock);
                    (_, _, idleCpu) = await Rollup.MeasureAsync([.. mine.Select(m => m.Item2)], idle);
                }

                using var slots = new SemaphoreSlim(8);
                await Task.WhenAll(mine.Select(async m =>
                {
                    await slots.WaitAsync();
                    try
                    {
                        await d.Client.Vms.PauseAsync(m.Item1, CancellationToken.None);
                    }
                    finally
                    {
                        slots.Release();
                    }
                }));
                forks.AddRange(mine);
                Console.Error.WriteLine($"density: {forks.Count} forks paused, cgroup {cg.UsageMib} MiB of {limitMib}, OOM kills {cg.OomKills}, load {Machine.LoadAverage()}");
                if (forked.Failed.Count > 0)
                {
                    stopped = $"{forked.Failed.Count} forks of batch {k} failed: {forked.Failed[0].Error}";
                    break;
                }

                if (cg.OomKills > 0 || forks.Any(f => !Directory.Exists($"/proc/{f.Pid}")))
                {
                    stopped = $"an OOM kill in the cgroup ({cg.OomKills}) or a fork's QEMU gone";
                    break;
                }
            }

            // Settled: the paused forks' charge and PSS.
            await Task.Delay(TimeSpan.FromSeconds(2));
            double usage = cg.UsageMib;
            int held = forks.Count(f => Directory.Exists($"/proc/{f.Pid}"));
            double per = held == 0 ? 0 : (usage - baseMib) / held;
            var rollups = forks.Select(f => Rollup.Of(f.Pid)).OfType<Rollup>().ToList();
            double pss = rollups.Count == 0 ? 0 : rollups.Average(r => r.PssKib) / 1024.0;
            int memoryBound = per <= 0 ? held : held + (int)Math.Floor((limitMib - usage) / per);
            int cpuBound = idleCpu > 0 ? (int)Math.Floor(Environment.ProcessorCount * 100 / idleCpu) : 0;
            return new DensityResult(held, per, pss, baseMib, usage, limitMib, memoryBound, idleCpu, cpuBound, stopped, forkSeconds, $"cgroup {cg.Version} {cg.Path}");
        }
        finally
        {
            if (d is not null)
            {
                // Its RAM files on tmpfs go with it (Daemon.DisposeAsync deletes its RamRoot).
                await d.DisposeAsync();
            }

            await cg.RemoveAsync();
        }
    }
}
