using Hospes.Config.Syntax;

namespace Hospes.Config.Reading;

/// <summary>
/// The effective setting of each key (the last one wins). Key groups claim the keys they read;
/// whatever no group claimed is an unknown key.
/// </summary>
internal sealed class SettingTable
{
    private readonly Dictionary<string, ConfigSetting> _effective = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly HashSet<string> _claimed = new(StringComparer.Ordinal);

    public SettingTable(IEnumerable<ConfigSetting> settings, DiagnosticBag diagnostics)
    {
        foreach (ConfigSetting setting in settings)
        {
            if (_effective.TryGetValue(setting.Key, out ConfigSetting? earlier))
            {
                // An override replacing a file setting is the point of overrides; a repeat within one source is a slip.
                if (earlier.KeyLocation.File == setting.KeyLocation.File)
                {
                    diagnostics.Warning(
                        setting.KeyLocation,
                        setting.Key,
                        $"{setting.Key} is set twice (first on line {earlier.KeyLocation.Line}); this later value is used");
                }
            }
            else
            {
                _order.Add(setting.Key);
            }

            _effective[setting.Key] = setting;
        }
    }

    public bool Contains(string key) => _effective.ContainsKey(key);

    /// <summary>The key's effective setting, or null when the key is absent; marks the key as known.</summary>
    public ConfigSetting? Get(string key)
    {
        _claimed.Add(key);
        return _effective.GetValueOrDefault(key);
    }

    /// <summary>Every key asked for so far, present or not.</summary>
    public IEnumerable<string> Claimed => _claimed;

    public IEnumerable<ConfigSetting> Unclaimed => _order.Where(k => !_claimed.Contains(k)).Select(k => _effective[k]);
}
