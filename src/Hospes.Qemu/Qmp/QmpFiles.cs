using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Win32.SafeHandles;

namespace Hospes.Qemu.Qmp;

/// <summary>
/// Files hospesd opens and hands to QEMU (add-fd): a QEMU that runs as its own uid cannot open a save file, a restore
/// stream or anything else in root's folders by itself. QEMU opens /dev/fdset/N as it would a path, with the
/// descriptor's access mode (read-only, write-only) matching what it asks for.
/// </summary>
public static class QmpFiles
{
    /// <summary>Passes <paramref name="file"/> into a new fd set; returns its id (the path is <see cref="FdSetPath"/>).</summary>
    public static async Task<long> AddFdAsync(this IQmp qmp, SafeFileHandle file, string opaque, CancellationToken ct = default)
    {
        JsonElement r = await qmp.ExecuteWithFdAsync("add-fd", new JsonObject { ["opaque"] = opaque }, file, ct).ConfigureAwait(false);
        return r.ValueKind == JsonValueKind.Object && r.TryGetProperty("fdset-id", out var id)
            ? id.GetInt64()
            : throw new QmpException("add-fd", "", "QEMU did not say which fd set it made");
    }

    /// <summary>Closes QEMU's copies of the set's descriptors once nothing in QEMU uses them; a set that is gone is fine.</summary>
    public static async Task RemoveFdSetAsync(this IQmp qmp, long fdSet, CancellationToken ct = default)
    {
        try
        {
            await qmp.ExecuteAsync("remove-fd", new JsonObject { ["fdset-id"] = fdSet }, logged: true, ct: ct).ConfigureAwait(false);
        }
        catch (QmpException)
        {
            // Already gone.
        }
    }

    public static string FdSetPath(long fdSet) => "/dev/fdset/" + fdSet.ToString(CultureInfo.InvariantCulture);
}
