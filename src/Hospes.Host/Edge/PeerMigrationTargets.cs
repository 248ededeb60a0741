using Hospes.Client;
using Hospes.Core.Errors;
using Hospes.Host.Migration;
using Hospes.Host.Peers;

namespace Hospes.Host.Edge;

/// <summary>Destinations are the hosts `hospes host add` made known, reached over their pinned TLS; QEMU streams to the same address.</summary>
internal sealed class PeerMigrationTargets(PeerService peers) : IMigrationTargets
{
    public Result<IMigrationTarget> Find(string name)
    {
        if (peers.Get(name) is not { } peer)
        {
            return HospesError.NotFound($"no host named '{name}'; `hospes host list` shows the hosts this one trusts, `hospes host add` adds one");
        }

        Result<PeerApi> api = peers.Client(name);
        if (!api.IsOk)
        {
            return api.Error;
        }

        string address = peer.Address!;
        return new HttpMigrationTarget(name, address[..address.LastIndexOf(':')].Trim('[', ']'), api.Value);
    }
}
