package org.sipcity.registrar.jpa;

class H2LocationServiceTest extends LocationServiceContract {

    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }
}
