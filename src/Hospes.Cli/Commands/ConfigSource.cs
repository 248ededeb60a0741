using Hospes.Contracts;

namespace Hospes.Cli.Commands;

/// <summary>Reads a config file for the API; hospesd resolves its relative paths against the file's folder.</summary>
internal static class ConfigSource
{
    public static ConfigRequest Read(string file, IReadOnlyList<string> overrides)
    {
        string path = Path.GetFullPath(file);
        if (Directory.Exists(path))
        {
            throw new CliException($"{file} is a folder; give a config file such as /etc/hospes/web.cfg");
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read config file {file}: {e.Message}");
        }

        return new ConfigRequest { Config = text, ConfigPath = path, Overrides = overrides };
    }
}
