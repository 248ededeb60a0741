using Hospes.Contracts;

namespace Hospes.Client;

/// <summary>The guest agent of a running VM: `hospes guest VM ping|info|exec|set-time`.</summary>
public sealed class GuestApi
{
    private readonly HospesConnection _c;

    internal GuestApi(HospesConnection connection) => _c = connection;

    public Task<GuestPingResponse> PingAsync(string vm, CancellationToken ct) =>
        _c.SendAsync<GuestPingResponse>(HttpMethod.Get, Routes.Path(Routes.VmGuestPing, vm), null, ct);

    public Task<GuestInfo> InfoAsync(string vm, CancellationToken ct) =>
        _c.SendAsync<GuestInfo>(HttpMethod.Get, Routes.Path(Routes.VmGuest, vm), null, ct);

    public Task<GuestExecResponse> ExecAsync(string vm, IReadOnlyList<string> command, int timeoutS, CancellationToken ct) =>
        _c.SendAsync<GuestExecResponse>(HttpMethod.Post, Routes.Path(Routes.VmGuestExec, vm), new GuestExecRequest { Command = [.. command], TimeoutS = timeoutS }, ct);

    public Task<GuestTimeResponse> SetTimeAsync(string vm, CancellationToken ct) =>
        _c.SendAsync<GuestTimeResponse>(HttpMethod.Post, Routes.Path(Routes.VmGuestTime, vm), null, ct);
}
