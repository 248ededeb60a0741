// Live migration benchmark: two hospesd on loopback, a tiny guest dirtying memory with memcheck, migrated back and
// forth; downtime and total time per migration, against QEMU's own defaults (`--qemu-defaults`) in the same run.
//
//   dotnet run -c Release --project bench/Hospes.Bench.Migration -- [--runs 10] [--default-runs 3] [--budget-min 14] [--write docs/benchmarks.md]
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Hospes.Bench.Migration;
using Hospes.Testing;
using Hospes.Testing.Bench;

int runs = Args.Int(args, "--runs", 10);
int defaultRuns = Args.Int(args, "--default-runs", 3);
double budgetMin = Args.Int(args, "--budget-min", 14);
string? write = Args.Str(args, "--write");
string root = Repo.Root;
var clock = Stopwatch.StartNew();
string load = Machine.LoadAverage();

await using var lab = Lab.Create();
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};

var results = new List<GuestResult>();
try
{
    await lab.StartAsync();
    string memcheck = lab.BuildMemcheck();
    (int Guest, int Dirty)[] sizes = [(256, 128), (1024, 256)];
    foreach ((int guestMib, int dirtyMib) in sizes)
    {
        cts.Token.ThrowIfCancellationRequested();
        var r = new GuestResult(guestMib, dirtyMib);
        results.Add(r);
        string name = $"m{guestMib}";
        string at = await lab.CreateGuestAsync(name, guestMib, memcheck, dirtyMib);
        Console.Error.WriteLine($"[{clock.Elapsed:mm\\:ss}] {name}: memcheck {dirtyMib} MiB / 1000 ms running on {at}");
        for (int i = 0; i < runs; i++)
        {
            MigrationRun m = await lab.MigrateAsync(name, at, qemuDefaults: false);
            r.Hospes.Add(m);
            if (m.Ok)
            {
                at = Lab.Other(at);
            }

            Console.Error.WriteLine($"[{clock.Elapsed:mm\\:ss}] {name} hospes {i + 1}: {m}");
        }

        string log = await lab.ConsoleLogAsync(at, name);
        r.Stale = MemCheck.FoundStale(log);
        r.LastPass = MemCheck.Passes(log) is [.., int last] ? last.ToString(CultureInfo.InvariantCulture) : "?";
        r.EndedOn = at;
        bool timeForDefaults = guestMib == 256 || clock.Elapsed.TotalMinutes + (defaultRuns * 0.6) < budgetMin;
        for (int i = 0; i < defaultRuns && timeForDefaults; i++)
        {
            MigrationRun m = await lab.MigrateAsync(name, at, qemuDefaults: true);
            r.Defaults.Add(m);
            if (m.Ok)
            {
                at = Lab.Other(at);
            }

            Console.Error.WriteLine($"[{clock.Elapsed:mm\\:ss}] {name} qemu-defaults {i + 1}: {m}");
        }

        r.DefaultsSkipped = !timeForDefaults;
        await lab.DeleteGuestAsync(name, at);
        if (clock.Elapsed.TotalMinutes > budgetMin)
        {
            Console.Error.WriteLine($"time budget of {budgetMin} min spent; stopping here");
            break;
        }
    }
}
catch (Exception e)
{
    Console.Error.WriteLine($"benchmark stopped: {e.Message}");
}
finally
{
    await lab.DisposeAsync();
}

string md = Report.Markdown(results, load, lab.QemuVersion, clock.Elapsed);
Console.WriteLine(md);
if (write is not null && results.Count > 0)
{
    Docs.ReplaceSection(Path.Combine(root, write), "migration", md);
    Console.Error.WriteLine($"wrote {write}");
}

return results.Count > 0 ? 0 : 1;
