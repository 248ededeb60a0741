using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace Hospes.Qemu.Qmp;

/// <summary>Network backend hot-plug: what network-attach and network-detach ask of QEMU.</summary>
public static class QmpNetdevs
{
    /// <summary>Passes <paramref name="fd"/> to QEMU under <paramref name="name"/> (getfd), for a netdev's fd=.</summary>
    public static Task GetFdAsync(this IQmp qmp, SafeHandle fd, string name, CancellationToken ct = default) =>
        qmp.ExecuteWithFdAsync("getfd", new JsonObject { ["fdname"] = name }, fd, ct);

    /// <summary>Closes a descriptor passed with getfd that no netdev took; one that is gone is fine.</summary>
    public static async Task CloseFdAsync(this IQmp qmp, string name, CancellationToken ct = default)
    {
        try
        {
            await qmp.ExecuteAsync("closefd", new JsonObject { ["fdname"] = name }, ct: ct).ConfigureAwait(false);
        }
        catch (QmpException)
        {
            // Taken by a netdev, or already closed.
        }
    }

    /// <summary>The arguments of netdev_add for a tap on a descriptor passed as <paramref name="fdName"/> (QEMU asks the tap itself whether it has vnet headers).</summary>
    public static JsonObject TapNetdev(string id, string fdName) => new() { ["type"] = "tap", ["id"] = id, ["fd"] = fdName };

    public static Task NetdevAddAsync(this IQmp qmp, JsonObject arguments, CancellationToken ct = default) =>
        qmp.ExecuteAsync("netdev_add", arguments, ct: ct);

    /// <summary>Removes a backend (its tap's descriptor closes with it); one that is gone is fine.</summary>
    public static async Task NetdevDelAsync(this IQmp qmp, string id, CancellationToken ct = default)
    {
        try
        {
            await qmp.ExecuteAsync("netdev_del", new JsonObject { ["id"] = id }, ct: ct).ConfigureAwait(false);
        }
        catch (QmpException)
        {
            // Already gone.
        }
    }
}
