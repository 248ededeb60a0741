using System.Text.Json.Nodes;

namespace Hospes.Qemu.Qmp;

/// <summary>
/// TLS for QEMU's own network channels (migration stream, NBD): x509 credentials read from a folder, an authorization
/// list of the client names allowed in, and their removal.
/// </summary>
public static class QmpTls
{
    /// <summary>
    /// A tls-creds-x509 object from <paramref name="dir"/> (ca-cert.pem and server-/client-cert.pem and -key.pem) that
    /// always checks the other end's certificate against ca-cert.pem.
    /// </summary>
    public static Task AddTlsCredentialsAsync(this IQmp qmp, string id, string dir, bool server, CancellationToken ct = default) =>
        qmp.ExecuteAsync("object-add", new JsonObject
        {
            ["qom-type"] = "tls-creds-x509",
            ["id"] = id,
            ["dir"] = dir,
            ["endpoint"] = server ? "server" : "client",
            ["verify-peer"] = true,
        }, ct: ct);

    /// <summary>An authz-simple object: only a TLS client whose certificate's distinguished name is <paramref name="identity"/> gets in.</summary>
    public static Task AddAuthzAsync(this IQmp qmp, string id, string identity, CancellationToken ct = default) =>
        qmp.ExecuteAsync("object-add", new JsonObject { ["qom-type"] = "authz-simple", ["id"] = id, ["identity"] = identity }, ct: ct);

    public static Task ObjectDelAsync(this IQmp qmp, string id, CancellationToken ct = default) =>
        qmp.ExecuteAsync("object-del", new JsonObject { ["id"] = id }, ct: ct);
}
