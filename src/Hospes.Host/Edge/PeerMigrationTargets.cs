using Hospes.Core.Errors;
using Hospes.Host.Migration;
using Hospes.Host.Peers;
using Hospes.Host.State;

namespace Hospes.Host.Edge;

/// <summary>Destinations are the hosts `hospes host add` made known, reached over their pinned TLS; QEMU streams to the same address.</summary>
internal sealed class PeerMigrationTargets(PeerService peers, PeerConnections connections) : IMigrationTargets
{
    public Result<IMigrationTarget> Find(string name)
    {
        Result<PeerRecord> peer = peers.Reachable(name);
        if (!peer.IsOk)
        {
            return peer.Error;
        }

        string address = peer.Value.Address!;
        return new HttpMigrationTarget(name, address[..address.LastIndexOf(':')].Trim('[', ']'), connections.Api(peer.Value));
    }
}
