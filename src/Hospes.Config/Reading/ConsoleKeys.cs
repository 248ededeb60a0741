using Hospes.Config.Syntax;

namespace Hospes.Config.Reading;

/// <summary>serial: the guest's first serial port is always its console (hospes console).</summary>
internal sealed class ConsoleKeys : IKeyGroup
{
    public void Read(ReadContext context)
    {
        if (context.Settings.Get("serial") is not { } serial)
        {
            return;
        }

        IReadOnlyList<ConfigValue> ports = serial.Value is ListValue list ? list.Items : [serial.Value];
        for (int i = 0; i < ports.Count; i++)
        {
            string backend = ports[i] is StringValue s ? s.Value.Trim() : ports[i].Text;
            if (TableKeys.IsOff(ports[i]) || (i == 0 && backend.Equals("pty", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            context.Warning(ports[i], i == 0
                ? $"serial '{backend}': the guest's first serial port is its console (hospes console), not this back-end"
                : $"serial '{backend}': the guest gets only one serial port (its console); this further port is not added");
        }
    }
}
