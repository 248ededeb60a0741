using System.Security.Cryptography.X509Certificates;
using Hospes.Core.Errors;
using Hospes.Host.Cluster;
using Hospes.Host.Peers;

namespace Hospes.Host.Edge;

/// <summary>Requests only a member of this host's cluster may make (a peer's evacuate and restore), not any trusted host.</summary>
public sealed partial class ClusterForwarding
{
    /// <summary>Null when <paramref name="certificate"/> is another member's (its `members/` fingerprint); else why the request to <paramref name="what"/> is refused.</summary>
    public async Task<HospesError?> NotMemberAsync(X509Certificate2? certificate, string what, CancellationToken ct)
    {
        if (!InCluster)
        {
            return HospesError.State($"this host is in no cluster, so no host may ask it to {what}");
        }

        string fingerprint = certificate is null ? "" : HostCertificate.FingerprintOf(certificate);
        MemberRecord? member;
        try
        {
            member = fingerprint.Length == 0 ? null : await _cluster.MemberByFingerprintAsync(fingerprint, ct).ConfigureAwait(false);
        }
        catch (Hospes.Host.Cluster.Store.ClusterStoreException e)
        {
            return HospesError.Unavailable($"cannot check that the host asking to {what} is a member of this host's cluster: {e.Message}");
        }

        if (member is null || member.Name == HostName)
        {
            LogEnvelopeRefused(certificate?.Subject ?? "?", $"asked to {what} but is no member host");
            return HospesError.Forbidden($"only a member host of this host's cluster may ask it to {what}; the asking host's certificate ({(fingerprint.Length == 0 ? "none" : fingerprint)}) is not a member's (`hospes cluster list`)");
        }

        return null;
    }
}
