using System.Collections.Concurrent;
using Hospes.Core.Errors;
using Hospes.Host.Migration;

namespace Hospes.Host.Tests.Migration;

/// <summary>
/// A destination host in memory: answers prepare, finish and abort as the test scripted (an answer, an error, or no
/// answer at all), and records what it was asked. It is also the only host the source knows.
/// </summary>
internal sealed class FakeMigrationTarget : IMigrationTarget, IMigrationTargets
{
    public const string Id = "m1";

    private readonly ConcurrentQueue<MigrationOffer> _offers = new();
    private readonly ConcurrentQueue<(bool Run, bool Postcopy, bool Probe)> _finishes = new();
    private int _aborts;

    public string Name => "host-b";

    public string StreamHost => "127.0.0.1";

    /// <summary>The answer to an offer: by default everything checked and prepared.</summary>
    public Func<MigrationOffer, Result<MigrationPrepared>> Prepare { get; set; } =
        o => new MigrationPrepared { Id = o.DryRun ? null : Id, MigratePort = 49152, Checks = [new("cpu", true, "tcg on both")], Tls = o.DryRun ? null : Tls };

    /// <summary>The destination's TLS identity, as a real one answers.</summary>
    public static MigrationTlsPeer Tls { get; } = MigrationTls.Create(DateTimeOffset.UtcNow).Public;

    /// <summary>The answer to the switch-over (the probe before it is always answered): by default the guest runs there.</summary>
    public Func<Result<MigrationFinished>> Finish { get; set; } = Continued;

    /// <summary>The answer to an abort: by default the destination confirms it dropped the VM.</summary>
    public Func<Result<bool>> Abort { get; set; } = () => true;

    public IReadOnlyList<MigrationOffer> Offers => [.. _offers];

    /// <summary>The switch-overs asked (not the probes).</summary>
    public IReadOnlyList<(bool Run, bool Postcopy, bool Probe)> Switchovers => [.. _finishes.Where(f => !f.Probe)];

    public int Aborts => Volatile.Read(ref _aborts);

    /// <summary>The request went out, no answer came: it may have taken effect there.</summary>
    public static HospesError NoAnswer(string why) => new Hospes.Host.Migration.NoAnswer($"cannot reach host-b: {why}");

    /// <summary>No connection was made: the request provably never arrived.</summary>
    public static HospesError NotDelivered(string why) => new Hospes.Host.Migration.NotDelivered($"cannot reach host-b: {why}");

    public static Result<MigrationFinished> Continued()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return new MigrationFinished("running", now, now, now);
    }

    public Result<IMigrationTarget> Find(string name) =>
        name == Name ? this : HospesError.NotFound($"no host named '{name}'; `hospes host list` shows the hosts this one trusts, `hospes host add` adds one");

    public Task<Result<MigrationPrepared>> PrepareAsync(MigrationOffer offer, CancellationToken ct)
    {
        _offers.Enqueue(offer);
        Result<MigrationPrepared> prepared = Prepare(offer);

        // As the real one: a request cancelled before its answer came is one without an answer.
        return Task.FromResult(ct.IsCancellationRequested ? NoAnswer("the request was cancelled") : prepared);
    }

    public Task<Result<MigrationFinished>> FinishAsync(string id, bool run, bool postcopy, bool probe, CancellationToken ct)
    {
        _finishes.Enqueue((run, postcopy, probe));
        return Task.FromResult(probe ? new MigrationFinished("active", null) : Finish());
    }

    public Task<Result<bool>> AbortAsync(string id, CancellationToken ct)
    {
        Interlocked.Increment(ref _aborts);
        return Task.FromResult(Abort());
    }
}
