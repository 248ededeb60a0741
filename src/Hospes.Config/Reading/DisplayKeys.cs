using Hospes.Config.Syntax;
using Hospes.Core.Vms;

namespace Hospes.Config.Reading;

/// <summary>
/// vga, stdvga, vnc, sdl and vfb: an HVM guest gets a graphics card (the standard VGA unless vga says otherwise) and,
/// as xl's vnc defaults to 1, a VNC display. The display is a unix socket hospesd owns (`hospes vnc`), never a TCP port,
/// so sdl and vfb's vnc/sdl entries ask for the same thing. PV and PVH guests have no framebuffer here.
/// </summary>
internal sealed class DisplayKeys : IKeyGroup
{
    private const string Viewer = "the display is served through hospesd: `hospes vnc NAME` opens it";

    public void Read(ReadContext context)
    {
        bool hvm = context.Draft.Boot == BootMode.Hvm;
        bool? vnc = PlatformKeys.Flag(context, "vnc");
        bool? sdl = PlatformKeys.Flag(context, "sdl");
        bool? stdvga = PlatformKeys.Flag(context, "stdvga");
        Setting<string>? vga = context.Text("vga", "vga = 'stdvga'");
        bool vfb = ReadVfb(context);
        if (!hvm)
        {
            NotHvm(context, vnc == true ? "vnc" : sdl == true ? "sdl" : vfb ? "vfb" : null, stdvga, vga);
            return;
        }

        string? card = Card(context, vga, stdvga);
        if (sdl == true && context.Settings.Get("sdl") is { } sdlSetting)
        {
            context.KeyNote(sdlSetting, $"sdl: no window opens on the host; {Viewer}");
        }

        // xl: vnc defaults to 1 for HVM guests; sdl or a vfb entry asks for a display as well.
        bool wanted = vnc ?? true;
        wanted |= sdl == true || vfb;
        if (card is null && (vnc == true || sdl == true || vfb))
        {
            ConfigSetting asked = context.Settings.Get(vnc == true ? "vnc" : sdl == true ? "sdl" : "vfb")!;
            context.KeyWarning(asked, $"{asked.Key}: the guest has no graphics card (vga = 'none'), so there is no display to show; remove vga = 'none' for one");
        }

        context.Draft.Vga = card;
        context.Draft.Vnc = card is not null && wanted;
    }

    /// <summary>std unless vga names another card or 'none' (xl's stdvga = 1 is std too).</summary>
    private static string? Card(ReadContext context, Setting<string>? vga, bool? stdvga)
    {
        if (vga is not { } chosen)
        {
            if (stdvga == false && context.Settings.Get("stdvga") is { } setting)
            {
                context.KeyNote(setting, "stdvga = 0: Xen then gave a Cirrus card; Hospes gives the standard VGA unless vga = 'cirrus'");
            }

            return "std";
        }

        switch (chosen.Value.Trim().ToLowerInvariant())
        {
            case "stdvga" or "std" or "":
                return "std";
            case "cirrus":
                return "cirrus";
            case "none":
                return null;
            case "qxl":
                context.Warning(chosen.Source, "vga: 'qxl' is not available (no SPICE here); the guest gets the standard VGA");
                return "std";
            default:
                context.Error(chosen.Source, $"vga: '{chosen.Value}' is not a graphics card Hospes gives; use 'stdvga', 'cirrus' or 'none'");
                return null;
        }
    }

    /// <summary>Whether a vfb entry asks for a display ('vnc=1', 'sdl=1', 'type=vnc', xm's 'type=sdl').</summary>
    private static bool ReadVfb(ReadContext context)
    {
        if (context.StringList("vfb", "vfb = [ 'vnc=1' ]") is not { } entries)
        {
            return false;
        }

        bool wanted = false;
        foreach (StringValue entry in entries.Value)
        {
            foreach (string part in entry.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                string p = part.ToLowerInvariant();
                wanted |= p is "vnc=1" or "sdl=1" or "type=vnc" or "type=sdl";
            }
        }

        return wanted;
    }

    private static void NotHvm(ReadContext context, string? asked, bool? stdvga, Setting<string>? vga)
    {
        if (asked is not null && context.Settings.Get(asked) is { } setting)
        {
            context.KeyWarning(setting, $"{asked}: not available here: PV and PVH guests get no framebuffer console; use hospes console (type = 'hvm' guests get VNC)");
        }

        foreach (string key in (ReadOnlySpan<string>)["vga", "stdvga"])
        {
            if (context.Settings.Get(key) is { } s && (key == "vga" ? vga is not null : stdvga is not null) && !TableKeys.IsOff(s.Value))
            {
                context.KeyNote(s, $"{key}: only HVM guests have a graphics card; nothing to do for this guest");
            }
        }
    }
}
