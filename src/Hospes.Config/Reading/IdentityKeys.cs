using Hospes.Core.Vms;

namespace Hospes.Config.Reading;

/// <summary>name (required) and uuid.</summary>
internal sealed class IdentityKeys : IKeyGroup
{
    public void Read(ReadContext context)
    {
        Setting<string>? name = context.Text("name", "name = 'web'");
        if (name is { } n)
        {
            string? problem = VmName.Validate(n.Value);
            if (problem is null)
            {
                context.Draft.Name = n.Value;
            }
            else
            {
                context.Error(n.Source, $"name: '{n.Value}' is not a valid VM name: {problem}");
            }
        }
        else if (!context.Settings.Contains("name") && !context.IsBroken("name"))
        {
            context.FileError("name is missing; add e.g. name = 'web'");
        }

        if (context.Text("uuid", "uuid = '3d6b4f4e-0b1a-4f7c-9a55-2f0c6c1d2e3f'") is { } uuid)
        {
            if (Guid.TryParse(uuid.Value, out Guid parsed))
            {
                context.Draft.Uuid = parsed;
            }
            else
            {
                context.Error(uuid.Source, $"uuid: '{uuid.Value}' is not a UUID; write 32 hex digits like '3d6b4f4e-0b1a-4f7c-9a55-2f0c6c1d2e3f', or remove uuid to get one assigned");
            }
        }
    }
}
