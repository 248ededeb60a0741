using System.Globalization;
using System.Text.Json;
using Hospes.Core.Errors;

namespace Hospes.Storage.Images;

/// <summary>
/// The images under &lt;state&gt;/images, one folder each with an image.json. Configs name them as
/// "image:NAME" (e.g. kernel = "image:tiny").
/// </summary>
public sealed class ImageStore
{
    public const string ReferencePrefix = "image:";
    private const string ManifestFile = "image.json";

    public ImageStore(string root)
    {
        Root = root;
    }

    public string Root { get; }

    public static bool IsReference(string? value) => value is not null && value.StartsWith(ReferencePrefix, StringComparison.Ordinal);

    public static string NameOf(string reference) => reference[ReferencePrefix.Length..];

    public string DirectoryOf(string name) => Path.Combine(Root, name);

    public IReadOnlyList<BootImage> List()
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }

        return [.. Directory.EnumerateDirectories(Root)
            .Select(d => Read(Path.GetFileName(d)))
            .Where(r => r.IsOk)
            .Select(r => r.Value)
            .OrderBy(i => i.Name, StringComparer.Ordinal)];
    }

    public Result<BootImage> Find(string name)
    {
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name.StartsWith('.'))
        {
            return HospesError.Invalid($"'{name}' is not an image name");
        }

        return Read(name);
    }

    private Result<BootImage> Read(string name)
    {
        string dir = DirectoryOf(name);
        string manifest = Path.Combine(dir, ManifestFile);
        if (!File.Exists(manifest))
        {
            string hint = name == "tiny" ? "run `hospes image build tiny`" : "see `hospes image list`";
            return HospesError.NotFound($"image '{name}' does not exist in {Root}; {hint}");
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(manifest));
            JsonElement root = doc.RootElement;
            string? kernel = Str(root, "kernel");
            if (kernel is null)
            {
                return HospesError.Unavailable($"image '{name}' has no kernel ({manifest})");
            }

            return new BootImage
            {
                Name = name,
                Kernel = FileIn(dir, kernel),
                Initrd = Str(root, "initrd") is { } initrd ? FileIn(dir, initrd) : null,
                DefaultCmdline = Str(root, "default_cmdline") ?? "",
                Kind = Str(root, "kind") ?? "kernel",
                BuiltAt = Str(root, "built_at") is { } at ? DateTimeOffset.Parse(at, CultureInfo.InvariantCulture) : null,
            };
        }
        catch (Exception e) when (e is JsonException or IOException or FormatException)
        {
            return HospesError.Unavailable($"image '{name}': cannot read {manifest}: {e.Message}; rebuild it");
        }
    }

    /// <summary>
    /// A file an image.json names: relative to the image's folder. Older tiny images named absolute paths; one that
    /// exists in this folder under the same file name is taken from here, so a moved or copied store boots its own files.
    /// </summary>
    private static string FileIn(string dir, string file)
    {
        if (!Path.IsPathRooted(file))
        {
            return Path.Combine(dir, file);
        }

        string here = Path.Combine(dir, Path.GetFileName(file));
        return File.Exists(here) ? here : file;
    }

    private static string? Str(JsonElement root, string property) =>
        root.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
