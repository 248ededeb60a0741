using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Lifecycle;

/// <summary>`hospes events` against a real hospesd while a real guest is defined, booted and destroyed.</summary>
public sealed class EventStreamTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private Daemon _d = null!;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task EventsAsJson_SeesAVmDefinedStartedAndDestroyed_InOrder()
    {
        using var events = new EventsProcess(_d.Socket);
        await events.UntilSubscribedAsync(_d);

        string cfg = _d.WriteConfig("web.cfg", Guest.Config("web"));
        (await _d.CliAsync("define", cfg)).Ok();
        (await _d.CliAsync("start", "web")).Ok();
        await _d.WaitForConsoleAsync("web", Guest.Ready);
        (await _d.CliAsync("destroy", "web")).Ok();

        string[] seen = await events.UntilAsync(
            lines => lines.Count(l => l.Vm == "web") >= 3,
            l => l.Vm == "web" ? $"{l.Type} {l.Old}->{l.State} {l.Why}" : null);
        Assert.Equal(
            [
                "vm.defined ->shutoff ",
                "vm.state shutoff->running command",
                "vm.state running->shutoff command",
            ],
            seen);
    }

    [Fact]
    public async Task AnOpenStream_DoesNotHoldHospesdsShutdown_AndTheCliSaysTheStreamEnded()
    {
        using var events = new EventsProcess(_d.Socket);
        await events.UntilSubscribedAsync(_d);

        var clock = Stopwatch.StartNew();
        await _d.StopAsync(TimeSpan.FromSeconds(60));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"hospesd took {clock.Elapsed.TotalSeconds:0.0} s to stop with an event stream open");
        (int exit, string stderr) = await events.ExitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, exit);
        Assert.Contains("hospesd ended the event stream", stderr, StringComparison.Ordinal);
    }

    /// <summary>The CLI following the events, its lines read as they come.</summary>
    private sealed class EventsProcess : IDisposable
    {
        private readonly Process _p;
        private readonly ConcurrentQueue<string> _lines = new();
        private readonly ConcurrentQueue<string> _errors = new();

        public EventsProcess(string socket)
        {
            var psi = new ProcessStartInfo(Repo.Hospes) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string a in new[] { "events", "--format", "json" })
            {
                psi.ArgumentList.Add(a);
            }

            psi.Environment["HOSPES_SOCKET"] = socket;
            _p = Process.Start(psi) ?? throw new InvalidOperationException("could not start hospes events");
            _p.OutputDataReceived += (_, e) => { if (e.Data is { } line) { _lines.Enqueue(line); } };
            _p.ErrorDataReceived += (_, e) => { if (e.Data is { } line) { _errors.Enqueue(line); } };
            _p.BeginOutputReadLine();
            _p.BeginErrorReadLine();
        }

        /// <summary>
        /// The CLI's subscription is in place once it shows an event: a VM defined and deleted again until it does.
        /// </summary>
        public async Task UntilSubscribedAsync(Daemon d)
        {
            string probe = d.WriteConfig("probe.cfg", Guest.Config("probe"));
            var clock = Stopwatch.StartNew();
            while (!Parsed().Any(l => l.Vm == "probe"))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"`hospes events` showed no event in 30 s; its stderr: {string.Join('\n', _errors)}");
                if (_p.HasExited)
                {
                    Assert.Fail($"`hospes events` ended ({_p.ExitCode}): {string.Join('\n', _errors)}");
                }

                (await d.CliAsync("define", probe)).Ok();
                (await d.CliAsync("delete", "probe")).Ok();
            }

            _lines.Clear();
        }

        public async Task<string[]> UntilAsync(Func<IReadOnlyList<Line>, bool> done, Func<Line, string?> pick)
        {
            var clock = Stopwatch.StartNew();
            while (!done(Parsed()))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"`hospes events` printed only:\n{string.Join('\n', _lines)}\nstderr: {string.Join('\n', _errors)}");
                await Task.Delay(100);
            }

            return [.. Parsed().Select(pick).OfType<string>()];
        }

        public async Task<(int Exit, string Stderr)> ExitAsync(TimeSpan limit)
        {
            using var wait = new CancellationTokenSource(limit);
            await _p.WaitForExitAsync(wait.Token);
            return (_p.ExitCode, string.Join('\n', _errors));
        }

        public void Dispose()
        {
            if (!_p.HasExited)
            {
                _p.Kill(entireProcessTree: true);
                _p.WaitForExit(10_000);
            }

            _p.Dispose();
        }

        private List<Line> Parsed() => [.. _lines.ToArray().Select(Line.Parse)];
    }

    private sealed record Line(string Type, string? Vm, string? Old, string? State, string? Why)
    {
        public static Line Parse(string json)
        {
            using JsonDocument doc = JsonDocument.Parse(json);
            JsonElement e = doc.RootElement;
            string? S(string name) => e.TryGetProperty(name, out JsonElement v) ? v.GetString() : null;
            return new Line(S("type")!, S("vm"), S("old_state"), S("state"), S("why"));
        }
    }
}
