using System.Diagnostics;
using System.Globalization;
using System.Text;
using Hospes.Bench.Boot;
using Hospes.Testing;
using Hospes.Testing.Bench;

// Boot benchmark: `hospes create` to the tiny guest's ready marker, against the same kernel, initrd and
// kernel command line started by a plain qemu-system-x86_64, interleaved, median of N runs.
// Usage: dotnet run --project bench/Hospes.Bench.Boot -c Release -- [--runs 5] [--write docs/benchmarks.md]
int runs = Args.Int(args, "--runs", 5);
string? write = Args.Str(args, "--write");
string root = Repo.Root;

await using var lab = await Lab.StartAsync();
var hospes = new List<double>();
var raw = new List<double>();
for (int i = 1; i <= runs; i++)
{
    raw.Add(await lab.RawQemuBootAsync(i));
    hospes.Add(await lab.HospesCreateAsync(i));
    Console.Error.WriteLine($"run {i}/{runs}: plain QEMU {raw[^1]:0.000} s, hospes create {hospes[^1]:0.000} s");
}

double mh = Stats.Median(hospes), mr = Stats.Median(raw);
double overhead = (mh - mr) / mr * 100;
var md = new StringBuilder();
md.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores ({Machine.Cpu()}), {lab.QemuVersion}, accelerator {lab.Accel}; load average before the run: {Machine.LoadAverage()}.");
md.AppendLine();
md.AppendLine("| | median | min | max | runs |");
md.AppendLine("|---|---|---|---|---|");
md.AppendLine(CultureInfo.InvariantCulture, $"| `hospes create tiny.cfg` → `HOSPES-READY` | {mh:0.000} s | {hospes.Min():0.000} s | {hospes.Max():0.000} s | {runs} |");
md.AppendLine(CultureInfo.InvariantCulture, $"| plain `qemu-system-x86_64` → `HOSPES-READY` | {mr:0.000} s | {raw.Min():0.000} s | {raw.Max():0.000} s | {runs} |");
md.AppendLine(CultureInfo.InvariantCulture, $"| **Hospes overhead** | **{overhead:+0.0;-0.0} %** (target: at most +20 %) | | | |");
md.AppendLine();
md.AppendLine("The plain command, as run (same kernel, initrd and kernel command line as Hospes gave the guest):");
md.AppendLine();
md.AppendLine("```");
md.AppendLine(lab.RawCommandShown);
md.AppendLine("```");
Console.WriteLine(md.ToString());
if (write is not null)
{
    Docs.ReplaceSection(Path.Combine(root, write), "boot", md.ToString());
    Console.Error.WriteLine($"wrote the boot section of {write}");
}

return overhead <= 20 ? 0 : 1;
