using Hospes.Config.Syntax;

namespace Hospes.Config.Reading;

/// <summary>
/// Keys Hospes accepts but does not act on: displays and serial ports (Hospes has its own console)
/// and Xen-only tuning. Each gets a warning so the user knows it had no effect.
/// </summary>
internal sealed class IgnoredKeys : IKeyGroup
{
    /// <summary>Keys whose value 1 is what every QEMU guest has anyway, so 1 needs no warning.</summary>
    private static readonly HashSet<string> AlwaysOn = new(StringComparer.Ordinal) { "acpi", "apic", "pae" };

    public void Read(ReadContext context)
    {
        if (context.Settings.Get("sdl") is { } sdl && IsOn(sdl.Value))
        {
            context.KeyWarning(sdl, "sdl: there is no local display here; use hospes console");
        }

        if (context.Settings.Get("vnc") is { } vnc && IsOn(vnc.Value))
        {
            context.KeyWarning(vnc, "vnc: VNC is not supported yet; hospes console gives the serial console");
        }

        if (context.Settings.Get("serial") is { } serial)
        {
            context.KeyWarning(serial, "serial is ignored: Hospes always connects the guest's first serial port to its own console (hospes console)");
        }

        foreach (string key in XenOnlyKeys.All)
        {
            if (context.Settings.Get(key) is not { } setting)
            {
                continue;
            }

            if (AlwaysOn.Contains(key) && ReadContext.TryInteger(setting.Value, out long value) && value == 1)
            {
                continue;
            }

            context.KeyWarning(setting, $"{key}: Xen-only, ignored");
        }
    }

    // 0, "0", "" and "no" mean off, as xl reads booleans.
    private static bool IsOn(ConfigValue value) =>
        ReadContext.TryInteger(value, out long number) ? number != 0 : value is not StringValue { Value: "" or "no" };
}
