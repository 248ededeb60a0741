using System.Net;
using System.Net.Http.Json;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Cluster;
using Hospes.Host.Storage;

namespace Hospes.Host.Edge;

/// <summary>
/// A copy of another member's template checked with its home (issue 17): before a clone run here uses it (refreshed
/// when stale and unused, refused when stale under linked clones or deleted there, used with a warning while the home
/// is down), and in the background, so a copy whose home deleted the template while this host was down goes once
/// this host and the home are both up (kept and marked while linked clones stand on it).
/// </summary>
public sealed partial class ClusterForwarding
{
    /// <summary>How long a clone run waits for the home's answer before it uses the copy (with a warning).</summary>
    private static readonly TimeSpan AskHomeWithin = TimeSpan.FromSeconds(20);

    /// <summary>How often the copies here are checked with their homes.</summary>
    private static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _sweepStop = new();
    private Task? _sweep;

    /// <summary>
    /// Before a clone run of template <paramref name="template"/> here: when it is a copy, checks it with its home.
    /// Ok(null): use it (no copy, or the same disks, or refreshed now); Ok(text): use it, the home did not answer (the
    /// run's warning); Error: refused (stale under linked clones, deleted at its home, or the refresh failed).
    /// </summary>
    public async Task<Result<string?>> CheckCopyAsync(StoreApi store, string template, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.TemplateCopyOf(template) is not { } copy || copy.Origin.Home == HostName)
        {
            return Result.Ok<string?>(null);
        }

        string home = copy.Origin.Home;
        (TemplateAtHome? answer, string? why) = await AskHomeAsync(home, template, ct).ConfigureAwait(false);
        (CopyFreshness action, string? message) = TemplateCopyFreshness.Decide(copy.State, answer, HostName, template, copy.Origin.CopiedAt, copy.Origin.HomeCreatedAt, why);
        switch (action)
        {
            case CopyFreshness.Current:
                return Result.Ok<string?>(null);
            case CopyFreshness.HomeDown:
                LogTemplateHomeDown(template, home, why ?? "?");
                return Result.Ok<string?>(message);
            case CopyFreshness.RefuseStale:
                return HospesError.State(message!);
            case CopyFreshness.HomeDeleted:
                return HospesError.NotFound(message!);
        }

        // Refresh: the home sends its template here (its copy rule replaces this stale, unused copy in one step).
        Result<ForwardHost> target = await MemberAsync(home, ct).ConfigureAwait(false);
        if (!target.IsOk)
        {
            return HospesError.Unavailable($"host '{HostName}''s copy of template '{template}' is older than host '{home}''s template and could not be refreshed: {target.Error.Message}; nothing was cloned");
        }

        try
        {
            using var ask = new HttpRequestMessage(HttpMethod.Post, Routes.Path(Routes.ClusterTemplate, template).TrimStart('/') + "?to=" + Uri.EscapeDataString(HostName));
            ask.Headers.Add(EnvelopeHeader, EnvelopeOf(Caller.LocalAdmin(CopyUser)));
            using HttpResponseMessage sent = await Client(target.Value).SendAsync(ask, ct).ConfigureAwait(false);
            if (!sent.IsSuccessStatusCode)
            {
                string body = await sent.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                return HospesError.State($"host '{HostName}''s copy of template '{template}' is older than host '{home}''s template and was not refreshed: {ErrorMessageOf(body)}; nothing was cloned");
            }
        }
        catch (HttpRequestException e)
        {
            return HospesError.Unavailable($"host '{HostName}''s copy of template '{template}' is older than host '{home}''s template, and host '{home}' did not answer while it was refreshed: {e.InnerException?.Message ?? e.Message}; nothing was cloned");
        }

        LogTemplateCopyRefreshed(template, home);
        return Result.Ok<string?>(null);
    }

    /// <summary>
    /// On the home, for member <paramref name="to"/>'s clone run on its copy: sends this host's template
    /// <paramref name="template"/> there (the copy rule decides: use, replace, refuse). True: copied now.
    /// </summary>
    public async Task<Result<bool>> SendTemplateToAsync(string to, StoreApi store, string template, CancellationToken ct)
    {
        if (to == HostName)
        {
            return HospesError.Invalid($"host '{HostName}' does not send its template '{template}' to itself");
        }

        Result<ForwardHost> target = await MemberAsync(to, ct).ConfigureAwait(false);
        return target.IsOk ? await EnsureTemplateAsync(target.Value, store, template, ct).ConfigureAwait(false) : target.Error;
    }

    /// <summary>Starts checking this host's copies with their homes (at once, then every <see cref="SweepEvery"/>); nothing while not in a cluster.</summary>
    public void StartCopySweep(StoreApi store) =>
        _sweep = ClusterLoop.RunAsync(ct => SweepCopiesAsync(store, ct), SweepEvery, _time, LogTemplateSweepFailed, _sweepStop.Token);

    /// <summary>
    /// One round: each copy here whose home is up and has no such template any more is deleted, or, while linked
    /// clones stand on it, kept and marked (once, logged). A home down or not answering: the copy waits for the next round.
    /// </summary>
    public async Task SweepCopiesAsync(StoreApi store, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (!InCluster)
        {
            return;
        }

        foreach ((string name, TemplateCopyOrigin origin) in store.TemplateCopies())
        {
            if (origin.Home == HostName)
            {
                continue;
            }

            (TemplateAtHome? answer, _) = await AskHomeAsync(origin.Home, name, ct).ConfigureAwait(false);
            if (answer is not { Checksums: null })
            {
                continue; // the home has it (a stale copy is refreshed when used), or did not answer
            }

            Result<TemplateInfo> dropped = await store.DeleteTemplateCopyAsync(name, origin.Home, HostName, ct).ConfigureAwait(false);
            if (dropped.IsOk)
            {
                LogTemplateOrphanDropped(name, origin.Home);
            }
            else if (dropped.Error.Code == ErrorCode.InvalidState && await store.MarkTemplateHomeDeletedAsync(name, origin.Home, ct).ConfigureAwait(false))
            {
                LogTemplateOrphanKept(name, origin.Home, dropped.Error.Message);
            }
        }
    }

    /// <summary>What member <paramref name="home"/> says of its template: its checksums, none (404), or null and why (down, no answer).</summary>
    private async Task<(TemplateAtHome? Answer, string? Why)> AskHomeAsync(string home, string template, CancellationToken ct)
    {
        Result<ForwardHost> target = await MemberAsync(home, ct).ConfigureAwait(false);
        if (!target.IsOk)
        {
            return (null, target.Error.Message);
        }

        using var within = CancellationTokenSource.CreateLinkedTokenSource(ct);
        within.CancelAfter(AskHomeWithin);
        try
        {
            using var ask = new HttpRequestMessage(HttpMethod.Get, Routes.Path(Routes.Template, template).TrimStart('/'));
            ask.Headers.Add(EnvelopeHeader, EnvelopeOf(Caller.LocalAdmin(CopyUser)));
            using HttpResponseMessage there = await Client(target.Value).SendAsync(ask, within.Token).ConfigureAwait(false);
            if (there.StatusCode == HttpStatusCode.NotFound)
            {
                return (new TemplateAtHome(null), null);
            }

            if (!there.IsSuccessStatusCode)
            {
                return (null, $"{(int)there.StatusCode} {ErrorMessageOf(await there.Content.ReadAsStringAsync(within.Token).ConfigureAwait(false))}");
            }

            TemplateInfo? info = await there.Content.ReadFromJsonAsync<TemplateInfo>(WireJson.Options, within.Token).ConfigureAwait(false);
            return info is null || info.CopiedFrom is not null
                ? (new TemplateAtHome(null), null) // its template of that name is a copy of another's: its own is gone
                : (new TemplateAtHome([.. info.Disks.Select(d => d.Checksum ?? "")], info.CreatedAt), null);
        }
        catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return (null, e is OperationCanceledException ? $"no answer within {AskHomeWithin.TotalSeconds:0} s" : e.InnerException?.Message ?? e.Message);
        }
    }

    /// <summary>The pinned connection to member <paramref name="name"/> when it is one and up.</summary>
    private async Task<Result<ForwardHost>> MemberAsync(string name, CancellationToken ct)
    {
        Result<ClusterView> read = await _cluster.ViewAsync(ct).ConfigureAwait(false);
        if (!read.IsOk)
        {
            return read.Error;
        }

        MemberRecord? member = read.Value.Members.FirstOrDefault(m => m.Name == name);
        return member switch
        {
            null => HospesError.NotFound($"host '{name}' is not a member of this cluster any more"),
            _ when !read.Value.Up.ContainsKey(name) => HospesError.Unavailable($"host '{name}' is down (`hospes cluster list` shows the hosts)"),
            { Address: { } address } => new ForwardHost(member.Name, address, member.Fingerprint),
            _ => HospesError.Unavailable($"host '{name}' did not say where it listens"),
        };
    }
}
