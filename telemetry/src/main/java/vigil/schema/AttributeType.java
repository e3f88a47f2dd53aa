package vigil.schema;

/** DynamoDB key attribute types used by Vigil's tables. */
public enum AttributeType {
    STRING,
    NUMBER
}
