using Hospes.Contracts;

namespace Hospes.Client;

/// <summary>`hospes migrate`: live migration to a trusted host, with progress.</summary>
public sealed class MigrationsApi
{
    private readonly HospesConnection _c;

    internal MigrationsApi(HospesConnection connection) => _c = connection;

    /// <summary>
    /// Migrates <paramref name="vm"/>, one event per step as it happens; "done" (with the summary) or "failed" is the
    /// last. A request refused outright throws before the first.
    /// </summary>
    public IAsyncEnumerable<MigrationEvent> MigrateAsync(string vm, MigrateRequest request, CancellationToken ct) =>
        _c.StreamAsync<MigrationEvent>(HttpMethod.Post, Routes.Path(Routes.VmMigrate, vm), request, ct);

    /// <summary>Stops a running migration before its switch-over; the guest stays here.</summary>
    public Task<bool> CancelAsync(string vm, CancellationToken ct) => _c.SendAsync<bool>(HttpMethod.Delete, Routes.Path(Routes.VmMigration, vm), null, ct);
}
