using System.Text;
using System.Text.Json;
using Hospes.Cli.Commands;
using Hospes.Client;

namespace Hospes.Cli.Remotes;

/// <summary>
/// $XDG_CONFIG_HOME/hospes/remotes.json (else ~/.config/hospes/remotes.json): the remotes of `hospes remote`. It holds
/// tokens, so it is written mode 0600 in a 0700 folder, whole or not at all (a temp file renamed over it).
/// </summary>
internal static class RemoteStore
{
    /// <summary>The name that means hospesd's unix socket.</summary>
    public const string Local = "local";

    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
    };

    public static string FilePath
    {
        get
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
            string config = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
            return Path.Combine(config, "hospes", "remotes.json");
        }
    }

    /// <summary>The remotes; none when the file does not exist. A malformed file is an error naming it and the line.</summary>
    public static RemotesFile Load()
    {
        string path = FilePath;
        if (!File.Exists(path))
        {
            return new RemotesFile();
        }

        RemotesFile? file;
        try
        {
            file = JsonSerializer.Deserialize<RemotesFile>(File.ReadAllBytes(path), Json);
        }
        catch (JsonException e)
        {
            string line = e.LineNumber is { } n ? $":{n + 1}" : "";
            throw new CliException($"{path}{line}: malformed remotes file ({FirstSentence(e.Message)}); fix it, or move it away and add the remotes again with `hospes remote add`");
        }
        catch (IOException e)
        {
            throw new CliException($"cannot read {path}: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new CliException($"cannot read {path}: {e.Message}");
        }

        file ??= new RemotesFile();
        var problems = new List<string>();
        foreach ((string name, RemoteEntry remote) in file.Remotes ?? [])
        {
            if (RemoteNames.Problem(name) is { } bad)
            {
                problems.Add(bad);
            }

            if (remote is null || remote.Url is null || remote.Fingerprint is null)
            {
                problems.Add($"remote {name} lacks its url or fingerprint");
            }
            else if (!Uri.TryCreate(remote.Url, UriKind.Absolute, out Uri? url) || url.Scheme != Uri.UriSchemeHttps)
            {
                problems.Add($"remote {name}: url {remote.Url} is not https://HOST:PORT");
            }
            else if (!RemoteNames.IsFingerprint(remote.Fingerprint))
            {
                problems.Add($"remote {name}: fingerprint {remote.Fingerprint} is not 64 hex digits");
            }
        }

        if (file.Current is { } current && !(file.Remotes ?? []).ContainsKey(current))
        {
            problems.Add($"the current remote {current} is not among the remotes");
        }

        return problems.Count == 0
            ? file with { Remotes = new SortedDictionary<string, RemoteEntry>(file.Remotes ?? [], StringComparer.Ordinal) }
            : throw new CliException($"{path}: {string.Join("; ", problems)}; fix the file, or remove the remote with `hospes remote remove NAME`");
    }

    /// <summary>Writes the whole file to a temp file (0600) beside it, then renames it over the old one.</summary>
    public static void Save(RemotesFile file)
    {
        string path = FilePath;
        string dir = Path.GetDirectoryName(path)!;
        string temp = Path.Combine(dir, $".remotes.json.{Environment.ProcessId}.tmp");
        try
        {
            if (!Directory.Exists(dir))
            {
                Directory.CreateDirectory(dir, OwnerOnlyFolder);
            }

            byte[] bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(file, Json) + "\n");
            using (var stream = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.Create,
                Access = FileAccess.Write,
                UnixCreateMode = OwnerOnlyFile,
            }))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            // A temp file left by a crashed run keeps its old mode: made owner-only whatever it was.
            File.SetUnixFileMode(temp, OwnerOnlyFile);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temp);
            throw new CliException($"cannot write {path}: {e.Message}; nothing was changed");
        }
    }

    /// <summary>
    /// The remote a command goes to: --remote, else --socket (the unix socket), else $HOSPES_REMOTE, else $HOSPES_SOCKET
    /// (the socket), else the current remote; null is the unix socket.
    /// </summary>
    public static (string Name, RemoteEntry Remote)? Choose(string? remoteOption, string? socketOption)
    {
        string? name = remoteOption
            ?? (socketOption is not null ? Local : null)
            ?? NonEmpty(Environment.GetEnvironmentVariable("HOSPES_REMOTE"))
            ?? (NonEmpty(Environment.GetEnvironmentVariable(HospesConnection.SocketVariable)) is not null ? Local : null);
        if (name == Local)
        {
            return null;
        }

        RemotesFile file = Load();
        name ??= file.Current;
        if (name is null)
        {
            return null;
        }

        return file.Remotes.TryGetValue(name, out RemoteEntry? remote)
            ? (name, remote)
            : throw new CliException($"no remote {name}{Known(file)}; add it with `hospes remote add {name} https://HOST:PORT --token-stdin`");
    }

    /// <summary>"; the remotes are a, b" or "; there are no remotes".</summary>
    public static string Known(RemotesFile file) =>
        file.Remotes.Count == 0 ? " (there are no remotes)" : $" (the remotes are {string.Join(", ", file.Remotes.Keys)}, and {Local})";

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string FirstSentence(string message)
    {
        int path = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (path > 0 ? message[..path] : message).TrimEnd('.', ' ');
    }
}
