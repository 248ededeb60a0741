using System.Text.Json;
using Hospes.Core.Json;

namespace Hospes.Host.Storage;

/// <summary>
/// What a template copied from another cluster member records (`copy.json` in its folder, written before the folder is
/// renamed into place, so it is there exactly when the copy is): the template's home host and its identity there (its
/// creation time), so a copy is known as one: replaced when the home's template changed, deleted with it.
/// </summary>
internal sealed record TemplateCopyOrigin
{
    public const string FileName = "copy.json";

    /// <summary>The host whose template this is a copy of (for a copy of a copy, the first one's).</summary>
    public required string Home { get; init; }

    /// <summary>When the home's template was made: with the name, the identity of what was copied.</summary>
    public DateTimeOffset HomeCreatedAt { get; init; }

    /// <summary>The host that sent it (the home, or a member with a copy).</summary>
    public required string From { get; init; }
    public DateTimeOffset CopiedAt { get; init; }

    /// <summary>When this host found its home's template deleted while linked clones here kept the copy (null: not found so).</summary>
    public DateTimeOffset? HomeDeletedAt { get; init; }

    /// <summary>The record in <paramref name="dir"/>; null: the template there is no copy (or its record is unreadable).</summary>
    public static TemplateCopyOrigin? Read(string dir)
    {
        try
        {
            return JsonSerializer.Deserialize<TemplateCopyOrigin>(File.ReadAllText(Path.Combine(dir, FileName)), HospesJson.Options);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    public void Write(string dir) => File.WriteAllText(Path.Combine(dir, FileName), JsonSerializer.Serialize(this, HospesJson.Options));
}
