using Hospes.Contracts;

namespace Hospes.Client;

/// <summary>TLS client certificates that log in as users over HTTPS (`hospes cert`).</summary>
public sealed class UserCertificatesApi
{
    private readonly HospesConnection _c;

    internal UserCertificatesApi(HospesConnection connection) => _c = connection;

    /// <summary>Of one user, or of all users when <paramref name="user"/> is null.</summary>
    public Task<IReadOnlyList<UserCertificateInfo>> ListAsync(string? user, CancellationToken ct) =>
        _c.SendAsync<IReadOnlyList<UserCertificateInfo>>(HttpMethod.Get, user is null ? Routes.Certificates : Routes.Path(Routes.UserCertificates, user), null, ct);

    /// <summary>Lets the holder of the certificate's key log in as <paramref name="user"/>.</summary>
    public Task<UserCertificateInfo> AddAsync(string user, UserCertificateRequest request, CancellationToken ct) =>
        _c.SendAsync<UserCertificateInfo>(HttpMethod.Post, Routes.Path(Routes.UserCertificates, user), request, ct);

    /// <summary>Revokes it: its next connection is refused.</summary>
    public Task<UserCertificateInfo> RemoveAsync(string user, string fingerprint, CancellationToken ct) =>
        _c.SendAsync<UserCertificateInfo>(HttpMethod.Delete, Routes.Path(Routes.UserCertificate, user, fingerprint), null, ct);
}
