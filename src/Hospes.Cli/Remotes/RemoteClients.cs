using System.Security.Cryptography.X509Certificates;
using Hospes.Client;

namespace Hospes.Cli.Remotes;

/// <summary>A client for a stored remote: its URL, pinned fingerprint, token and client certificate.</summary>
internal static class RemoteClients
{
    public static HospesClient Connect(string name, RemoteEntry remote)
    {
        X509Certificate2? certificate = remote is { ClientCertificate: { } cert, ClientKey: { } key } ? HospesConnection.LoadClientCertificate(cert, key) : null;
        return new HospesClient(HospesConnection.Remote(new Uri(remote.Url), remote.Token, remote.Fingerprint, certificate, name));
    }
}
