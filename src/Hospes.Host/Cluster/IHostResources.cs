namespace Hospes.Host.Cluster;

/// <summary>This host's resources and VMs as the cluster sees them.</summary>
internal interface IHostResources
{
    HostResources Read();

    /// <summary>Names and uuids of the VMs defined here.</summary>
    IReadOnlyList<(string Name, string Uuid)> Vms();
}
