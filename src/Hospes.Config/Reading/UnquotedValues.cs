using Hospes.Config.Syntax;

namespace Hospes.Config.Reading;

/// <summary>
/// Runs last: reports unquoted strings no key reader has reported, including those of ignored
/// and replaced settings, because a file with them is not valid xl syntax.
/// </summary>
internal sealed class UnquotedValues : IKeyGroup
{
    public void Read(ReadContext context)
    {
        foreach (ConfigSetting setting in context.AllSettings)
        {
            Check(context, setting.Key, setting.Value);
        }
    }

    private static void Check(ReadContext context, string key, ConfigValue value)
    {
        switch (value)
        {
            case StringValue s:
                context.RequireQuotes(key, s);
                break;
            case ListValue list:
                foreach (ConfigValue item in list.Items)
                {
                    Check(context, key, item);
                }

                break;
        }
    }
}
