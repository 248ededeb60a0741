using System.Diagnostics;
using System.Text;
using Hospes.Config.Tests.TestSupport;
using Hospes.Core.Vms;
using Xunit.Abstractions;

namespace Hospes.Config.Tests;

/// <summary>
/// Random and mutated configs for a few seconds: the reader must answer each with diagnostics, never an exception, a
/// hang or a crash. The seed is new each run (printed on failure); HOSPES_FUZZ_SEED=N replays a run case by case.
/// </summary>
public sealed class ReaderFuzzTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(4);

    private static readonly FakeHost Host = new() { AllPathsExist = true, AllPciDevicesExist = true, CpuCount = 64 };

    /// <summary>Longer than any case takes; a case still running then is a hang.</summary>
    private static readonly TimeSpan CaseLimit = TimeSpan.FromSeconds(10);

    private static readonly string[] Fragments =
    [
        "[", "]", ",", "=", ";", "'", "\"", "\\", "\\\n", "\n", "#", " ", "\t", "\r\n", "0x", "-", "^", "\0", "\uFEFF", "\uD800", "é",
        "name", "kernel", "ramdisk", "disk", "vif", "pci", "cpus", "memory", "maxmem", "vcpus", "maxvcpus", "type", "builder", "boot",
        "extra", "root", "cmdline", "on_crash", "uuid", "machine", "accel", "bootloader", "cpu_weight", "cap", "pvh",
        "'web'", "'/boot/vmlinuz'", "'image:tiny'", "'hvm'", "'pv'", "512", "-1", "0", "2147483648", "9223372036854775808", "0xffffffffffffffff",
        "'0-2147483647'", "'^0'", "'all'", "'node:0'", "'0000:06:02.0'", "'06.02.0@3'", "'mac=00:16:3e:12:34:56,bridge=br0,ip=10.0.0.1'",
        "'model=e1000'", "'/images/web.img,raw,xvda,rw'", "'phy:/dev/sda,xvdb,w'", "'target=/x,y=z'", "',hdc:cdrom,r'", "'file:/x.img,xvda,w!'",
        "'vdev=/initrd'", "'../../x,raw,xvdc,rw'", "'c'", "'cdn'", "'q35'",
    ];

    [Fact]
    public void Read_OfRandomAndMutatedConfigs_AlwaysAnswers()
    {
        int seed = Environment.GetEnvironmentVariable("HOSPES_FUZZ_SEED") is { } given ? int.Parse(given, System.Globalization.CultureInfo.InvariantCulture) : Random.Shared.Next();
        string[] corpus = [.. Directory.EnumerateFiles(Configs.FixturePath(), "*.cfg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(File.ReadAllText)];
        Assert.NotEmpty(corpus);

        int cases = 0;
        string current = "";
        Exception? failure = null;
        var clock = Stopwatch.StartNew();
        var run = new Thread(() =>
        {
            for (; clock.Elapsed < Budget && failure is null; cases++)
            {
                var random = new Random(unchecked((seed * 1_000_003) + cases));
                Volatile.Write(ref current, Input(random, corpus));
                try
                {
                    Check(Volatile.Read(ref current));
                }
                catch (Exception e)
                {
                    failure = e;
                    return;
                }
            }
        });
        run.Start();

        bool ended = run.Join(Budget + CaseLimit);
        string replay = $"seed {seed}, case {cases} (replay with HOSPES_FUZZ_SEED={seed}); input ({current.Length} chars): {Shown(current)}";
        Assert.True(ended, $"the reader did not answer within {CaseLimit.TotalSeconds:0} s: {replay}");
        Assert.True(failure is null, $"{failure}\n{replay}");
        output.WriteLine($"{cases} configs read in {clock.Elapsed.TotalSeconds:0.0} s ({_accepted} accepted and validated), seed {seed}");
    }

    private static int _accepted;

    private static void Check(string text)
    {
        ConfigReadResult result = Configs.Read(text, Host, strict: true, path: "fuzz.cfg", overrides: ["memory=256"]);
        Assert.Equal(result.Spec is null, result.HasErrors);
        Assert.True(result.Diagnostics.Count <= ConfigLimits.MaxDiagnostics + 1, $"{result.Diagnostics.Count} diagnostics");
        if (result.Spec is { } spec)
        {
            // What the reader accepts, the writer can write, and the one validator of every spec accepts too.
            _ = XenConfigWriter.Write(spec);
            Interlocked.Increment(ref _accepted);
            Assert.Empty(VmSpecValidator.Validate(spec with { Uuid = Guid.NewGuid() }, VmSpecPolicy.Anything("fuzz.cfg")));
        }
    }

    // Mostly small inputs (many per second); one in eight is large, for the bounds.
    private static string Input(Random random, string[] corpus) => random.Next(8) switch
    {
        0 or 1 => Generated(random),
        2 or 3 or 4 => Mutated(random, corpus[random.Next(corpus.Length)], rounds: 1 + random.Next(8)),
        5 or 6 => Mutated(random, corpus[random.Next(corpus.Length)] + corpus[random.Next(corpus.Length)], rounds: 1 + random.Next(3)),
        _ => Repeated(random, corpus[random.Next(corpus.Length)]),
    };

    /// <summary>Fragments of the syntax in random order: mostly nonsense, sometimes nearly a config.</summary>
    private static string Generated(Random random)
    {
        var text = new StringBuilder();
        for (int n = random.Next(1, 200); n > 0; n--)
        {
            text.Append(Fragments[random.Next(Fragments.Length)]);
        }

        return text.ToString();
    }

    /// <summary>A real config with bytes flipped, fragments inserted, ranges deleted or doubled.</summary>
    private static string Mutated(Random random, string config, int rounds)
    {
        var text = new StringBuilder(config);
        for (int i = 0; i < rounds; i++)
        {
            int at = random.Next(text.Length + 1);
            int length = Math.Min(random.Next(1, 40), text.Length - at);
            switch (random.Next(5))
            {
                case 0 when at < text.Length:
                    text[at] = (char)random.Next(0, 0x80);
                    break;
                case 1:
                    text.Insert(at, Fragments[random.Next(Fragments.Length)]);
                    break;
                case 2 when length > 0:
                    text.Remove(at, length);
                    break;
                case 3 when length > 0:
                    text.Insert(at, text.ToString(at, length));
                    break;
                default:
                    text.Insert(at, (char)random.Next(0x20, 0x3000));
                    break;
            }
        }

        return text.ToString();
    }

    /// <summary>A fragment repeated thousands of times inside a real config: deep nesting, long lists, huge values.</summary>
    private static string Repeated(Random random, string config)
    {
        string fragment = Fragments[random.Next(Fragments.Length)];
        int times = random.Next(1, 300_000 / Math.Max(1, fragment.Length));
        int at = random.Next(config.Length + 1);
        return string.Concat(config[..at], string.Concat(Enumerable.Repeat(fragment, times)), config[at..]);
    }

    private static string Shown(string text) =>
        System.Text.Json.JsonSerializer.Serialize(text.Length <= 400 ? text : text[..400]) + (text.Length <= 400 ? "" : " (the first 400)");
}
