using System.Text.Json;

namespace Hospes.Qemu.Qmp;

/// <summary>An asynchronous QMP event (SHUTDOWN, STOP, RESUME, GUEST_PANICKED...).</summary>
public sealed record QmpEvent(string Name, JsonElement Data, DateTimeOffset Timestamp)
{
    public string? GetString(string property) =>
        Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : null;

    public bool GetBool(string property) =>
        Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.True;
}
