package org.sipcity.sip.servlet.api;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The text entries of a class file's constant pool (JVMS §4.4): every class, field and method reference,
 * descriptor, signature, annotation type and string literal of a class is spelled out in a
 * {@code CONSTANT_Utf8_info} entry, so a name absent from these entries is not referenced by the class.
 */
final class ConstantPool {

    private static final int MAGIC = 0xCAFEBABE;

    private ConstantPool() {
    }

    /** The {@code CONSTANT_Utf8_info} strings of the class file {@code classFile}, in pool order. */
    static List<String> utf8Entries(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != MAGIC) {
            throw new IOException("not a class file: bad magic number");
        }
        in.readUnsignedShort(); // minor_version
        in.readUnsignedShort(); // major_version
        int count = in.readUnsignedShort();
        List<String> texts = new ArrayList<>();
        // JVMS §4.1: the pool is indexed from 1 to constant_pool_count - 1.
        for (int index = 1; index < count; index++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> texts.add(in.readUTF()); // Utf8: u2 length + modified UTF-8, as readUTF expects
                case 7, 8, 16, 19, 20 -> in.skipNBytes(2); // Class, String, MethodType, Module, Package
                case 15 -> in.skipNBytes(3); // MethodHandle
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4); // Integer, Float, *ref, NameAndType, (Invoke)Dynamic
                case 5, 6 -> { // Long, Double: JVMS §4.4.5, "take up two entries in the constant_pool table"
                    in.skipNBytes(8);
                    index++;
                }
                default -> throw new IOException("unknown constant pool tag " + tag + " at index " + index);
            }
        }
        return texts;
    }
}
