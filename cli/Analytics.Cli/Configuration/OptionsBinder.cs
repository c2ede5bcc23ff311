using System.Collections;
using System.Globalization;
using System.Reflection;
using Analytics.Common;
using Microsoft.Extensions.Configuration;

namespace Analytics.Cli.Configuration;

/// <summary>
/// Binds a configuration section onto an options record, starting from its defaults. Unlike the stock
/// binder it refuses keys that name no setting (a typo in an environment variable must not be
/// ignored), and reads durations as "10s" and lists as "10s,1m".
/// </summary>
internal static class OptionsBinder
{
    public static T Bind<T>(IConfiguration configuration, string section, T defaults, IReadOnlySet<string>? nestedSections = null)
        where T : class
    {
        var copy = (T)typeof(T).GetMethod("<Clone>$")!.Invoke(defaults, null)!;
        foreach (var child in configuration.GetSection(section).GetChildren())
        {
            if (nestedSections is not null && nestedSections.Contains($"{section}:{child.Key}"))
            {
                continue;
            }

            var property = FindProperty(typeof(T), child.Key)
                ?? throw new OptionsValidationException(
                    section,
                    child.Key,
                    $"is not a setting; known settings: {string.Join(", ", Settable(typeof(T)).Select(p => p.Name))}",
                    child.Value);
            property.SetValue(copy, Convert(child, property.PropertyType, $"{section}:{child.Key}"));
        }

        return copy;
    }

    /// <summary>The settable properties of an options record: exactly the keys it accepts.</summary>
    public static IEnumerable<PropertyInfo> Settable(Type type) => type
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0);

    public static PropertyInfo? FindProperty(Type type, string key)
        => Settable(type).FirstOrDefault(p => string.Equals(p.Name, key, StringComparison.OrdinalIgnoreCase));

    private static object? Convert(IConfigurationSection section, Type type, string key)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            return string.IsNullOrEmpty(section.Value) && !section.GetChildren().Any() ? null : Convert(section, underlying, key);
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() is var def
            && (def == typeof(IReadOnlyDictionary<,>) || def == typeof(IDictionary<,>) || def == typeof(Dictionary<,>)))
        {
            return section.GetChildren().ToDictionary(c => c.Key, c => c.Value ?? string.Empty, StringComparer.Ordinal);
        }

        if (type != typeof(string) && type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type))
        {
            var element = type.GetGenericArguments()[0];
            var items = section.GetChildren().Any()
                ? section.GetChildren().OrderBy(c => int.TryParse(c.Key, out var i) ? i : int.MaxValue).Select(c => c.Value ?? string.Empty)
                : (section.Value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            foreach (var item in items)
            {
                list.Add(Scalar(item, element, key));
            }

            return element.IsValueType ? ToArray(list, element) : list;
        }

        return Scalar(section.Value ?? string.Empty, type, key);
    }

    private static Array ToArray(IList list, Type element)
    {
        var array = Array.CreateInstance(element, list.Count);
        list.CopyTo(array, 0);
        return array;
    }

    private static object Scalar(string text, Type type, string key)
    {
        try
        {
            if (type == typeof(string))
            {
                return text;
            }

            if (type == typeof(TimeSpan))
            {
                return Durations.Parse(text, key);
            }

            if (type == typeof(bool))
            {
                return text.Trim().ToLowerInvariant() switch
                {
                    "1" or "true" or "yes" or "on" => true,
                    "0" or "false" or "no" or "off" => false,
                    _ => throw new FormatException($"\"{text}\" is not true or false"),
                };
            }

            if (type.IsEnum)
            {
                // Enum.Parse would also take any number; only names are settings.
                var name = text.Trim().Replace("_", string.Empty, StringComparison.Ordinal);
                return Enum.GetNames(type).FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)) is { } known
                    ? Enum.Parse(type, known)
                    : throw new FormatException($"\"{text}\" is not one of them");
            }

            return System.Convert.ChangeType(text.Trim(), type, CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException or ArgumentException)
        {
            throw new OptionsValidationException(key.Split(':')[0], key, $"must be {Describe(type)} ({ex.Message})", text);
        }
    }

    private static string Describe(Type type) => type switch
    {
        _ when type == typeof(TimeSpan) => $"a duration such as {Durations.Examples}",
        _ when type.IsEnum => "one of " + string.Join(", ", Enum.GetNames(type)),
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(int) || type == typeof(long) || type == typeof(short) => "a whole number",
        _ when type == typeof(ulong) || type == typeof(uint) => "a whole number of zero or more",
        _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a number",
        _ => "a " + type.Name,
    };
}
