namespace Analytics.Common;

/// <summary>
/// The checks options records make in <c>Validate()</c>, each throwing an <see cref="OptionsValidationException"/>
/// that names the component, the key, the rule and the value.
/// </summary>
public static class OptionRules
{
    public static void AtLeast(string component, string key, int value, int minimum)
    {
        if (value < minimum)
        {
            throw new OptionsValidationException(component, key, $"must be at least {minimum}", value);
        }
    }

    public static void InRange(string component, string key, int value, int minimum, int maximum)
    {
        if (value < minimum || value > maximum)
        {
            throw new OptionsValidationException(component, key, $"must be between {minimum} and {maximum}", value);
        }
    }

    public static void Positive(string component, string key, double value)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            throw new OptionsValidationException(component, key, "must be a positive number", value);
        }
    }

    public static void NotNegative(string component, string key, double value)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            throw new OptionsValidationException(component, key, "must be zero or more", value);
        }
    }

    /// <summary>A fraction strictly between 0 and 1, such as a smoothing factor or a tail probability.</summary>
    public static void OpenUnitInterval(string component, string key, double value)
    {
        if (!(value > 0 && value < 1))
        {
            throw new OptionsValidationException(component, key, "must be between 0 and 1, exclusive", value);
        }
    }

    /// <summary>A fraction from 0 to 1, both included, such as a weight or a score level.</summary>
    public static void UnitInterval(string component, string key, double value)
    {
        if (!(value >= 0 && value <= 1))
        {
            throw new OptionsValidationException(component, key, "must be between 0 and 1", value);
        }
    }
}
