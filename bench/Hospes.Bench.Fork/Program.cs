using System.Globalization;
using System.Text;
using Hospes.Bench.Fork;
using Hospes.Testing;
using Hospes.Testing.Bench;

// Fork benchmark (issue 16): N forks of an idle tiny guest (`forkable = 1`, `memory = 256`, no vif) until every fork
// answers on its console, against the same recipe done with plain QEMU commands (memory-backend-file share=on,
// x-ignore-shared, children mapping the file privately), and optionally against linked clones cold-booted
// (`clone --start`), in the same run. Also host memory per fork (PSS and anonymous, smaps_rollup) against a booted
// guest's, and idle CPU per fork (Hospes forks' once hospesd logged each fork's clock step, --settle -1; or after
// --settle SECONDS). Density (--density N): forks of a `memory = 512` guest, paused batch by batch, that a
// memory cgroup of --density-limit-mib (8192) holds, with a hospesd of its own started inside it (ForkDensity).
// Usage: dotnet run --project bench/Hospes.Bench.Fork -c Release -- [--count 75] [--runs 3] [--clones 0] [--idle 60]
//   [--settle -1] [--density 0] [--density-batch 20] [--density-limit-mib 8192] [--write docs/benchmarks.md]
int count = Args.Int(args, "--count", 75);
int runs = Args.Int(args, "--runs", 3);
int clones = Args.Int(args, "--clones", 0);
int density = Args.Int(args, "--density", 0);
int densityBatch = Args.Int(args, "--density-batch", 20);
int densityLimit = Args.Int(args, "--density-limit-mib", 8192);
string? write = Args.Str(args, "--write");
ForkLab.Idle = TimeSpan.FromSeconds(Args.Int(args, "--idle", 60));
int settle = Args.Int(args, "--settle", -1);
ForkSettle.Settle = settle < 0 ? null : TimeSpan.FromSeconds(settle);
string root = Repo.Root;
string loadBefore = Machine.LoadAverage();

await using var lab = await ForkLab.StartAsync();
var hospes = new List<ForkUse>();
var booted = new List<ForkUse>();
var command = new List<double>();
var plain = new List<ForkUse>();
for (int i = 1; i <= runs; i++)
{
    plain.Add(await lab.PlainForkAsync(i, count));
    (ForkUse f, ForkUse b, double c) = await lab.HospesForkAsync(i, count);
    hospes.Add(f);
    booted.Add(b);
    command.Add(c);
    Console.Error.WriteLine($"run {i}/{runs}: plain {plain[^1].Seconds:0.00} s, hospes fork {f.Seconds:0.00} s (command {c:0.00} s); PSS/fork {f.PssMib:0.0} MiB, anon/fork {f.AnonMib:0.0} MiB, idle CPU/fork {f.IdleCpuPercent:0.00} %; CPU-s/fork to settled {f.CpuSecondsEach:0.000} (plain {plain[^1].CpuSecondsEach:0.000} to answered), hospesd {f.DaemonCpuSeconds:0.0} CPU-s; booted guest PSS {b.PssMib:0} MiB, idle {b.IdleCpuPercent:0.00} %; load {Machine.LoadAverage()}");
}

DensityResult? dense = null;
if (density > 0)
{
    // The fork rounds' guests are gone by now (each round kills its QEMUs): the density hospesd has the host to itself.
    dense = await ForkDensity.RunAsync(density, densityBatch, densityLimit, ForkLab.Idle);
    Console.Error.WriteLine($"density: {dense.Held} forks held paused in {dense.Cgroup} (limit {dense.LimitMib} MiB; {dense.Stopped}); {dense.PerForkMib:0.0} MiB charged and {dense.PerForkPssMib:0.0} MiB PSS per paused fork; base {dense.BaseMib:0} MiB; the limit holds {dense.MemoryBound}; idle CPU/fork {dense.IdleCpuPercent:0.00} % → {Environment.ProcessorCount} cores used up at {dense.CpuBound}; fork commands {dense.ForkSeconds:0.0} s; load {Machine.LoadAverage()}");
}

ForkUse? cloned = null;
if (clones > 0)
{
    cloned = await lab.HospesCloneBootAsync(1, clones);
    Console.Error.WriteLine($"clones: {cloned.Count} of {clones} cold-booted in {cloned.Seconds:0.0} s{(cloned.Refused is null ? "" : $" ({cloned.Refused})")}, PSS/clone {cloned.PssMib:0} MiB, idle CPU/clone {cloned.IdleCpuPercent:0.00} %");
}

string loadAfter = Machine.LoadAverage();
var md = new StringBuilder();
md.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores ({Machine.Cpu()}), {lab.QemuVersion}, accelerator {lab.Accel}; load average before the run: {loadBefore}, after: {loadAfter}.");
md.AppendLine();
md.AppendLine(CultureInfo.InvariantCulture, $"| {count} forks of an idle tiny guest (`memory = {ForkLab.GuestMib}`) | median | min | max | runs |");
md.AppendLine("|---|---|---|---|---|");
Row(md, $"`hospes fork p 'f-{{i}}' --count {count}` → every fork answers on its console", [.. hospes.Select(h => h.Seconds)], "s", "0.00");
Row(md, "… of which the fork command itself (to its answer)", command, "s", "0.00");
Row(md, $"by hand: plain `qemu-system-x86_64`, the same recipe, {ForkLab.Parallelism} children starting at a time → every console answers", [.. plain.Select(p => p.Seconds)], "s", "0.00");
Row(md, "host memory per fork (PSS of its QEMU), Hospes", [.. hospes.Select(h => h.PssMib)], "MiB", "0.0");
Row(md, "host memory per fork (PSS of its QEMU), by hand", [.. plain.Select(p => p.PssMib)], "MiB", "0.0");
Row(md, "what a fork holds of its own (anonymous memory of its QEMU), Hospes", [.. hospes.Select(h => h.AnonMib)], "MiB", "0.0");
Row(md, "host memory of the booted parent before the fork (PSS of its QEMU)", [.. booted.Select(b => b.PssMib)], "MiB", "0.0");
Row(md, "CPU time per fork from its QEMU's start until it answered and (Hospes) its clock was set", [.. hospes.Select(h => h.CpuSecondsEach)], "s", "0.000");
Row(md, "CPU time per fork from its QEMU's start until it answered, by hand", [.. plain.Select(p => p.CpuSecondsEach)], "s", "0.000");
Row(md, "CPU time of hospesd itself, from the fork command until every fork answered and had its clock set", [.. hospes.Select(h => h.DaemonCpuSeconds)], "s", "0.0");
Row(md, $"idle CPU per fork (% of one core, over {ForkLab.Idle.TotalSeconds:0} s{(ForkSettle.Settle is { } wait ? $", {wait.TotalSeconds:0} s after all answered" : ", once hospesd set every fork's clock")}), Hospes", [.. hospes.Select(h => h.IdleCpuPercent)], "%", "0.00");
Row(md, $"idle CPU per fork (% of one core, over {ForkLab.Idle.TotalSeconds:0} s), by hand", [.. plain.Select(p => p.IdleCpuPercent)], "%", "0.00");
Row(md, $"idle CPU of the booted parent (% of one core, over {ForkLab.Idle.TotalSeconds:0} s)", [.. booted.Select(b => b.IdleCpuPercent)], "%", "0.00");
if (cloned is not null)
{
    string answered = cloned.Refused is null ? "every clone answers" : $"the {cloned.Count} started answer ({cloned.Refused})";
    Row(md, $"`hospes clone t 'c-{{i}}' --count {clones} --start` (linked clones, cold-booted) → {answered}", [cloned.Seconds], "s", "0.0");
    Row(md, "host memory per cold-booted clone (PSS of its QEMU)", [cloned.PssMib], "MiB", "0.0");
}

if (dense is not null)
{
    string held = dense.MemoryBound > dense.Held ? $"{dense.MemoryBound} ({dense.Held} measured, the rest at the measured charge per fork)" : $"{dense.MemoryBound}";
    md.AppendLine();
    md.AppendLine(CultureInfo.InvariantCulture, $"| density: forks of an idle tiny guest with `memory = {ForkDensity.GuestMib}`, paused, in a memory cgroup of {dense.LimitMib / 1024.0:0.#} GiB (hospesd inside it) | value |");
    md.AppendLine("|---|---|");
    md.AppendLine(CultureInfo.InvariantCulture, $"| forks started, paused and alive in the cgroup (no OOM kill) | {dense.Held} ({dense.Stopped}) |");
    md.AppendLine(CultureInfo.InvariantCulture, $"| the cgroup's charge: hospesd + the booted parent → with the forks | {dense.BaseMib:0} MiB → {dense.UsageMib:0} MiB |");
    md.AppendLine(CultureInfo.InvariantCulture, $"| charge per paused fork (cgroup) / PSS per paused fork (its QEMU) | {dense.PerForkMib:0.0} MiB / {dense.PerForkPssMib:0.0} MiB |");
    md.AppendLine(CultureInfo.InvariantCulture, $"| forks the cgroup holds (target ≥ 160) | {held} |");
    md.AppendLine(CultureInfo.InvariantCulture, $"| idle CPU per running fork (first batch, over {ForkLab.Idle.TotalSeconds:0} s) | {dense.IdleCpuPercent:0.00} % of a core |");
    md.AppendLine(CultureInfo.InvariantCulture, $"| idle running forks that use up the {Environment.ProcessorCount} cores | {dense.CpuBound} ({(dense.CpuBound < dense.MemoryBound ? "the cores run out before the memory" : "the memory runs out first")}) |");
    md.AppendLine(CultureInfo.InvariantCulture, $"| fork commands, all batches of {densityBatch} | {dense.ForkSeconds:0.0} s |");
}

md.AppendLine();
md.AppendLine(CultureInfo.InvariantCulture, $"Targets (issue 16): {count} forks answering in at most 5 s on 2 cores under TCG; a fork's PSS at most 1/5 of a booted guest's (here {Stats.Median([.. booted.Select(b => b.PssMib)]) / 5:0} MiB). Every fork is sent `{ForkLab.Probe}` on its console (again every 2 s) until `{ForkLab.Answer}NAME-OK` comes back, NAME its own host name (a Hospes fork's: its VM name, set by the identity step; plain forks and clones: any). The plain recipe, as run (the parent, then per child `migrate-set-capabilities` x-ignore-shared + events, `migrate-incoming file:STATE`, the MIGRATION event, `cont`):");
md.AppendLine();
md.AppendLine("```");
md.AppendLine(lab.ParentShown);
md.AppendLine(lab.ChildShown);
md.AppendLine("```");
Console.WriteLine(md.ToString());
if (write is not null)
{
    Docs.ReplaceSection(Path.Combine(root, write), "fork", md.ToString());
    Console.Error.WriteLine($"wrote the fork section of {write}");
}

return 0;

static void Row(StringBuilder md, string what, IReadOnlyList<double> values, string unit, string format) =>
    md.AppendLine(CultureInfo.InvariantCulture, $"| {what} | {Stats.Median(values).ToString(format, CultureInfo.InvariantCulture)} {unit} | {values.Min().ToString(format, CultureInfo.InvariantCulture)} {unit} | {values.Max().ToString(format, CultureInfo.InvariantCulture)} {unit} | {values.Count} |");
